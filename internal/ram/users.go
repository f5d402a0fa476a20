package ram

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"regexp"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// UserView is a user as RAM reports it.
type UserView struct {
	UserId        string
	UserName      string
	DisplayName   string
	MobilePhone   string
	Email         string
	Comments      string
	CreateDate    string
	UpdateDate    string
	LastLoginDate string
}

func viewUser(u *store.RAMUser) UserView {
	return UserView{
		UserId: u.UserID, UserName: u.UserName, DisplayName: u.DisplayName, MobilePhone: u.MobilePhone,
		Email: u.Email, Comments: u.Comments, CreateDate: rpc.FormatTimeSeconds(u.CreateDate), UpdateDate: rpc.FormatTimeSeconds(u.UpdateDate),
	}
}

// UserResponse answers the actions that return one user.
type UserResponse struct {
	rpc.Response
	User UserView
}

var userNamePattern = regexp.MustCompile(`^[A-Za-z0-9._@-]+$`)

// checkUserName applies RAM's rules: 1 to 64 characters of letters, digits,
// periods, underscores, hyphens and @.
func checkUserName(name string) error {
	if len(name) < 1 || len(name) > 64 {
		return apierr.InvalidParameterUserNameLength.New()
	}
	if !userNamePattern.MatchString(name) {
		return apierr.InvalidParameterUserNameInvalidChars.New()
	}
	return nil
}

func checkUserFields(display, comments string) error {
	if n := len([]rune(display)); n > 128 {
		return apierr.InvalidParameterDisplayNameLength.New()
	}
	if len([]rune(comments)) > 128 {
		return apierr.InvalidParameterCommentsLength.New()
	}
	return nil
}

// maxUsers is RAM's default limit of users per account.
const maxUsers = 1000

// CreateUserRequest is CreateUser's input.
type CreateUserRequest struct {
	UserName    string `param:"UserName,required"`
	DisplayName string `param:"DisplayName"`
	MobilePhone string `param:"MobilePhone"`
	Email       string `param:"Email"`
	Comments    string `param:"Comments"`
}

func createUser(ctx context.Context, env *rpc.Env, req *CreateUserRequest) (*UserResponse, error) {
	if err := checkUserName(req.UserName); err != nil {
		return nil, err
	}
	if err := checkUserFields(req.DisplayName, req.Comments); err != nil {
		return nil, err
	}
	users, err := env.Tx.RAMUserList(ctx, env.Caller.AccountID)
	if err != nil {
		return nil, err
	}
	if len(users) >= maxUsers {
		return nil, apierr.LimitExceededUser.New()
	}
	display := req.DisplayName
	if display == "" {
		display = req.UserName
	}
	u := &store.RAMUser{
		AccountID: env.Caller.AccountID, UserName: req.UserName, UserID: newUserID(), DisplayName: display,
		MobilePhone: req.MobilePhone, Email: req.Email, Comments: req.Comments, CreateDate: env.Now, UpdateDate: env.Now,
	}
	if err := env.Tx.RAMUserInsert(ctx, u); err != nil {
		if isConflict(err) {
			return nil, apierr.EntityAlreadyExistsUser.New()
		}
		return nil, err
	}
	return &UserResponse{User: viewUser(u)}, nil
}

// GetUserRequest is GetUser's input.
type GetUserRequest struct {
	UserName string `param:"UserName,required"`
}

func getUser(ctx context.Context, env *rpc.Env, req *GetUserRequest) (*UserResponse, error) {
	u, err := findUser(ctx, env.Q(), env.Caller.AccountID, req.UserName)
	if err != nil {
		return nil, err
	}
	return &UserResponse{User: viewUser(u)}, nil
}

func findUser(ctx context.Context, q store.Q, accountID, name string) (*store.RAMUser, error) {
	u, err := q.RAMUserGet(ctx, accountID, name)
	if err == store.ErrNotFound {
		return nil, apierr.EntityNotExistUser.Newf("The user does not exist: %s.", name)
	}
	return u, err
}

// UpdateUserRequest is UpdateUser's input.
type UpdateUserRequest struct {
	UserName       string  `param:"UserName,required"`
	NewUserName    string  `param:"NewUserName"`
	NewDisplayName *string `param:"NewDisplayName"`
	NewMobilePhone *string `param:"NewMobilePhone"`
	NewEmail       *string `param:"NewEmail"`
	NewComments    *string `param:"NewComments"`
}

func updateUser(ctx context.Context, env *rpc.Env, req *UpdateUserRequest) (*UserResponse, error) {
	u, err := findUser(ctx, env.Tx.Q, env.Caller.AccountID, req.UserName)
	if err != nil {
		return nil, err
	}
	if req.NewUserName != "" {
		if err := checkUserName(req.NewUserName); err != nil {
			return nil, err
		}
		u.UserName = req.NewUserName
	}
	for _, f := range []struct {
		v   *string
		dst *string
	}{{req.NewDisplayName, &u.DisplayName}, {req.NewMobilePhone, &u.MobilePhone}, {req.NewEmail, &u.Email}, {req.NewComments, &u.Comments}} {
		if f.v != nil {
			*f.dst = *f.v
		}
	}
	if err := checkUserFields(u.DisplayName, u.Comments); err != nil {
		return nil, err
	}
	u.UpdateDate = env.Now
	if err := env.Tx.RAMUserUpdate(ctx, req.UserName, u); err != nil {
		if isConflict(err) {
			return nil, apierr.EntityAlreadyExistsUser.New()
		}
		return nil, err
	}
	return &UserResponse{User: viewUser(u)}, nil
}

// ListUsersRequest is ListUsers' input.
type ListUsersRequest struct {
	Marker   string `param:"Marker"`
	MaxItems *int   `param:"MaxItems"`
}

// ListUsersResponse is a page of users.
type ListUsersResponse struct {
	rpc.Response
	IsTruncated bool
	Marker      string
	Users       struct{ User []UserView }
}

func listUsers(ctx context.Context, env *rpc.Env, req *ListUsersRequest) (*ListUsersResponse, error) {
	users, err := env.Q().RAMUserList(ctx, env.Caller.AccountID)
	if err != nil {
		return nil, err
	}
	page, next, err := pageByMarker(len(users), func(i int) string { return users[i].UserName }, req.Marker, req.MaxItems)
	if err != nil {
		return nil, err
	}
	resp := &ListUsersResponse{IsTruncated: next != "", Marker: next}
	resp.Users.User = []UserView{}
	for _, i := range page {
		resp.Users.User = append(resp.Users.User, viewUser(users[i]))
	}
	return resp, nil
}

// DeleteUserRequest is DeleteUser's input.
type DeleteUserRequest struct {
	UserName string `param:"UserName,required"`
}

// Empty answers actions that return only a RequestId.
type Empty struct {
	rpc.Response
}

func deleteUser(ctx context.Context, env *rpc.Env, req *DeleteUserRequest) (*Empty, error) {
	if _, err := findUser(ctx, env.Tx.Q, env.Caller.AccountID, req.UserName); err != nil {
		return nil, err
	}
	keys, err := env.Tx.AccessKeyListByUser(ctx, env.Caller.AccountID, req.UserName)
	if err != nil {
		return nil, err
	}
	if len(keys) > 0 {
		return nil, apierr.DeleteConflictUserAccessKey.New()
	}
	pols, err := env.Tx.RAMUserPolicyList(ctx, env.Caller.AccountID, req.UserName)
	if err != nil {
		return nil, err
	}
	if len(pols) > 0 {
		return nil, apierr.DeleteConflictUserPolicy.New()
	}
	return &Empty{}, env.Tx.RAMUserDelete(ctx, env.Caller.AccountID, req.UserName)
}

// pageByMarker pages n sorted items: the marker is the key of the last item
// of the previous page. It returns the indexes of this page and the next
// marker ("" when there is no more).
func pageByMarker(n int, key func(int) string, marker string, maxItems *int) ([]int, string, error) {
	size := 100
	if maxItems != nil {
		size = *maxItems
	}
	if size < 1 || size > 1000 {
		return nil, "", apierr.InvalidParameter.Newf("The parameter - \"MaxItems\" must be 1 to 1000.")
	}
	start := 0
	if marker != "" {
		start = n
		for i := 0; i < n; i++ {
			if key(i) > marker {
				start = i
				break
			}
		}
	}
	var out []int
	for i := start; i < n && len(out) < size; i++ {
		out = append(out, i)
	}
	next := ""
	if len(out) > 0 && out[len(out)-1] < n-1 {
		next = key(out[len(out)-1])
	}
	return out, next, nil
}

// newUserID returns a 16-digit user id, as RAM's look: "2" and 15 digits.
func newUserID() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1e15))
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("2%015d", n)
}

func isConflict(err error) bool { return errors.Is(err, store.ErrConflict) }
