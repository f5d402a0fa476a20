package store

import (
	"context"
	"strconv"
	"time"
)

// RAMUser is a RAM user of an account.
type RAMUser struct {
	AccountID   string
	UserName    string
	UserID      string
	DisplayName string
	MobilePhone string
	Email       string
	Comments    string
	CreateDate  time.Time
	UpdateDate  time.Time
}

const ramUserColumns = `account_id, user_name, user_id, display_name, mobile_phone, email, comments, create_date, update_date`

func scanRAMUser(row scanner) (*RAMUser, error) {
	var u RAMUser
	var created, updated int64
	if err := row.Scan(&u.AccountID, &u.UserName, &u.UserID, &u.DisplayName, &u.MobilePhone, &u.Email, &u.Comments, &created, &updated); err != nil {
		return nil, interpretError(err)
	}
	u.CreateDate, u.UpdateDate = fromMicros(created), fromMicros(updated)
	return &u, nil
}

// RAMUserInsert stores a user; ErrConflict if the name is taken.
func (q Q) RAMUserInsert(ctx context.Context, u *RAMUser) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO ram_users (`+ramUserColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		u.AccountID, u.UserName, u.UserID, u.DisplayName, u.MobilePhone, u.Email, u.Comments, micros(u.CreateDate), micros(u.UpdateDate))
	return interpretError(err)
}

// RAMUserGet returns a user or ErrNotFound.
func (q Q) RAMUserGet(ctx context.Context, accountID, name string) (*RAMUser, error) {
	return scanRAMUser(q.db.QueryRowContext(ctx, `SELECT `+ramUserColumns+` FROM ram_users WHERE account_id = $1 AND user_name = $2`, accountID, name))
}

// RAMUserUpdate replaces a user's attributes, its name included (oldName
// names it). Returns ErrNotFound or ErrConflict.
func (q Q) RAMUserUpdate(ctx context.Context, oldName string, u *RAMUser) error {
	res, err := q.db.ExecContext(ctx, `UPDATE ram_users SET user_name = $3, display_name = $4, mobile_phone = $5, email = $6, comments = $7, update_date = $8
		WHERE account_id = $1 AND user_name = $2`, u.AccountID, oldName, u.UserName, u.DisplayName, u.MobilePhone, u.Email, u.Comments, micros(u.UpdateDate))
	if err := affectedOne(res, err); err != nil {
		return err
	}
	if oldName != u.UserName {
		// Attachments follow by ON UPDATE CASCADE; keys carry the name.
		if _, err := q.db.ExecContext(ctx, `UPDATE access_keys SET user_name = $3 WHERE account_id = $1 AND user_name = $2`,
			u.AccountID, oldName, u.UserName); err != nil {
			return interpretError(err)
		}
	}
	return nil
}

// RAMUserList returns an account's users by name.
func (q Q) RAMUserList(ctx context.Context, accountID string) ([]*RAMUser, error) {
	return queryAll(ctx, q.db, scanRAMUser, `SELECT `+ramUserColumns+` FROM ram_users WHERE account_id = $1 ORDER BY user_name`, accountID)
}

// RAMUserDelete removes a user (the caller checks for keys and policies).
func (q Q) RAMUserDelete(ctx context.Context, accountID, name string) error {
	res, err := q.db.ExecContext(ctx, `DELETE FROM ram_users WHERE account_id = $1 AND user_name = $2`, accountID, name)
	return affectedOne(res, err)
}

// AccessKeyListByUser returns a RAM user's keys (userName "" for the main
// account's own).
func (q Q) AccessKeyListByUser(ctx context.Context, accountID, userName string) ([]*AccessKey, error) {
	return queryAll(ctx, q.db, scanAccessKey, `SELECT `+accessKeyColumns+` FROM access_keys WHERE account_id = $1 AND user_name = $2 ORDER BY created_at, id`, accountID, userName)
}

// AccessKeyDelete removes a key. Returns ErrNotFound.
func (q Q) AccessKeyDelete(ctx context.Context, id string) error {
	res, err := q.db.ExecContext(ctx, `DELETE FROM access_keys WHERE id = $1`, id)
	return affectedOne(res, err)
}

// RAMPolicy is a custom policy with its default version's document.
type RAMPolicy struct {
	AccountID      string
	PolicyName     string
	Description    string
	DefaultVersion string
	NextVersion    int
	CreateDate     time.Time
	UpdateDate     time.Time
	Document       string // of the default version
}

// RAMPolicyVersion is one version of a custom policy.
type RAMPolicyVersion struct {
	VersionID  string
	Document   string
	CreateDate time.Time
}

const ramPolicyColumns = `p.account_id, p.policy_name, p.description, p.default_version, p.next_version, p.create_date, p.update_date, v.document`

func scanRAMPolicy(row scanner) (*RAMPolicy, error) {
	var p RAMPolicy
	var next, created, updated int64
	if err := row.Scan(&p.AccountID, &p.PolicyName, &p.Description, &p.DefaultVersion, &next, &created, &updated, &p.Document); err != nil {
		return nil, interpretError(err)
	}
	p.NextVersion, p.CreateDate, p.UpdateDate = int(next), fromMicros(created), fromMicros(updated)
	return &p, nil
}

const ramPolicyFrom = ` FROM ram_policies p JOIN ram_policy_versions v
	ON v.account_id = p.account_id AND v.policy_name = p.policy_name AND v.version_id = p.default_version`

// RAMPolicyInsert stores a custom policy with its first version "v1".
func (q Q) RAMPolicyInsert(ctx context.Context, p *RAMPolicy) error {
	p.DefaultVersion, p.NextVersion = "v1", 2
	if _, err := q.db.ExecContext(ctx, `INSERT INTO ram_policies (account_id, policy_name, description, default_version, next_version, create_date, update_date)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.AccountID, p.PolicyName, p.Description, p.DefaultVersion, p.NextVersion, micros(p.CreateDate), micros(p.UpdateDate)); err != nil {
		return interpretError(err)
	}
	_, err := q.db.ExecContext(ctx, `INSERT INTO ram_policy_versions (account_id, policy_name, version_id, document, create_date) VALUES ($1, $2, $3, $4, $5)`,
		p.AccountID, p.PolicyName, "v1", p.Document, micros(p.CreateDate))
	return interpretError(err)
}

// RAMPolicyGet returns a custom policy or ErrNotFound.
func (q Q) RAMPolicyGet(ctx context.Context, accountID, name string) (*RAMPolicy, error) {
	return scanRAMPolicy(q.db.QueryRowContext(ctx, `SELECT `+ramPolicyColumns+ramPolicyFrom+` WHERE p.account_id = $1 AND p.policy_name = $2`, accountID, name))
}

// RAMPolicyList returns an account's custom policies by name.
func (q Q) RAMPolicyList(ctx context.Context, accountID string) ([]*RAMPolicy, error) {
	return queryAll(ctx, q.db, scanRAMPolicy, `SELECT `+ramPolicyColumns+ramPolicyFrom+` WHERE p.account_id = $1 ORDER BY p.policy_name`, accountID)
}

// RAMPolicyDelete removes a custom policy and its versions.
func (q Q) RAMPolicyDelete(ctx context.Context, accountID, name string) error {
	if _, err := q.db.ExecContext(ctx, `DELETE FROM ram_policy_versions WHERE account_id = $1 AND policy_name = $2`, accountID, name); err != nil {
		return interpretError(err)
	}
	res, err := q.db.ExecContext(ctx, `DELETE FROM ram_policies WHERE account_id = $1 AND policy_name = $2`, accountID, name)
	return affectedOne(res, err)
}

// RAMPolicyVersionInsert adds the next version of a policy and returns its
// id; with setDefault it becomes the default.
func (q Q) RAMPolicyVersionInsert(ctx context.Context, accountID, name, document string, setDefault bool, now time.Time) (string, error) {
	p, err := q.RAMPolicyGet(ctx, accountID, name)
	if err != nil {
		return "", err
	}
	id := "v" + strconv.Itoa(p.NextVersion)
	if _, err := q.db.ExecContext(ctx, `INSERT INTO ram_policy_versions (account_id, policy_name, version_id, document, create_date) VALUES ($1, $2, $3, $4, $5)`,
		accountID, name, id, document, micros(now)); err != nil {
		return "", interpretError(err)
	}
	def := p.DefaultVersion
	if setDefault {
		def = id
	}
	_, err = q.db.ExecContext(ctx, `UPDATE ram_policies SET next_version = next_version + 1, default_version = $3, update_date = $4 WHERE account_id = $1 AND policy_name = $2`,
		accountID, name, def, micros(now))
	return id, interpretError(err)
}

// RAMPolicyVersionList returns a policy's versions, oldest first.
func (q Q) RAMPolicyVersionList(ctx context.Context, accountID, name string) ([]*RAMPolicyVersion, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT version_id, document, create_date FROM ram_policy_versions WHERE account_id = $1 AND policy_name = $2 ORDER BY create_date, version_id`, accountID, name)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	var out []*RAMPolicyVersion
	for rows.Next() {
		var v RAMPolicyVersion
		var created int64
		if err := rows.Scan(&v.VersionID, &v.Document, &created); err != nil {
			return nil, interpretError(err)
		}
		v.CreateDate = fromMicros(created)
		out = append(out, &v)
	}
	return out, interpretError(rows.Err())
}

// RAMPolicyVersionDelete removes one version of a policy, or returns
// ErrNotFound.
func (q Q) RAMPolicyVersionDelete(ctx context.Context, accountID, name, versionID string) error {
	res, err := q.db.ExecContext(ctx, `DELETE FROM ram_policy_versions WHERE account_id = $1 AND policy_name = $2 AND version_id = $3`, accountID, name, versionID)
	return affectedOne(res, err)
}

// RAMPolicySetDefault makes a version the default. Returns ErrNotFound if
// the version does not exist.
func (q Q) RAMPolicySetDefault(ctx context.Context, accountID, name, versionID string, now time.Time) error {
	var n int
	if err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ram_policy_versions WHERE account_id = $1 AND policy_name = $2 AND version_id = $3`,
		accountID, name, versionID).Scan(&n); err != nil {
		return interpretError(err)
	}
	if n == 0 {
		return ErrNotFound
	}
	res, err := q.db.ExecContext(ctx, `UPDATE ram_policies SET default_version = $3, update_date = $4 WHERE account_id = $1 AND policy_name = $2`, accountID, name, versionID, micros(now))
	return affectedOne(res, err)
}

// RAMAttachment is a policy attached to a user.
type RAMAttachment struct {
	PolicyType string // System or Custom
	PolicyName string
	AttachDate time.Time
}

// RAMUserPolicyAttach attaches a policy; ErrConflict if already attached.
func (q Q) RAMUserPolicyAttach(ctx context.Context, accountID, userName, policyType, policyName string, now time.Time) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO ram_user_policies (account_id, user_name, policy_type, policy_name, attach_date) VALUES ($1, $2, $3, $4, $5)`,
		accountID, userName, policyType, policyName, micros(now))
	return interpretError(err)
}

// RAMUserPolicyDetach detaches a policy; ErrNotFound if it was not attached.
func (q Q) RAMUserPolicyDetach(ctx context.Context, accountID, userName, policyType, policyName string) error {
	res, err := q.db.ExecContext(ctx, `DELETE FROM ram_user_policies WHERE account_id = $1 AND user_name = $2 AND policy_type = $3 AND policy_name = $4`,
		accountID, userName, policyType, policyName)
	return affectedOne(res, err)
}

// RAMUserPolicyList returns the policies attached to a user, by name.
func (q Q) RAMUserPolicyList(ctx context.Context, accountID, userName string) ([]*RAMAttachment, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT policy_type, policy_name, attach_date FROM ram_user_policies WHERE account_id = $1 AND user_name = $2 ORDER BY policy_type, policy_name`, accountID, userName)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	var out []*RAMAttachment
	for rows.Next() {
		var a RAMAttachment
		var at int64
		if err := rows.Scan(&a.PolicyType, &a.PolicyName, &at); err != nil {
			return nil, interpretError(err)
		}
		a.AttachDate = fromMicros(at)
		out = append(out, &a)
	}
	return out, interpretError(rows.Err())
}

// RAMPolicyAttachmentCount counts the users a policy is attached to.
func (q Q) RAMPolicyAttachmentCount(ctx context.Context, accountID, policyType, policyName string) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM ram_user_policies WHERE account_id = $1 AND policy_type = $2 AND policy_name = $3`,
		accountID, policyType, policyName).Scan(&n)
	return n, interpretError(err)
}

// RAMUserPolicyDocuments returns the default-version documents of the
// custom policies attached to a user, by policy name (the authorizer adds
// system policies from the code).
func (q Q) RAMUserPolicyDocuments(ctx context.Context, accountID, userName string) (map[string]string, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT p.policy_name, v.document FROM ram_user_policies a
		JOIN ram_policies p ON p.account_id = a.account_id AND p.policy_name = a.policy_name
		JOIN ram_policy_versions v ON v.account_id = p.account_id AND v.policy_name = p.policy_name AND v.version_id = p.default_version
		WHERE a.account_id = $1 AND a.user_name = $2 AND a.policy_type = 'Custom'`, accountID, userName)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, doc string
		if err := rows.Scan(&name, &doc); err != nil {
			return nil, interpretError(err)
		}
		out[name] = doc
	}
	return out, interpretError(rows.Err())
}
