package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/store"
)

// MaxSkew is how far a request's timestamp may be from the wall clock; a
// signature nonce is remembered for as long as its request could be replayed.
const MaxSkew = 15 * time.Minute

// Caller is who signed a request.
type Caller struct {
	AccountID   string
	AccessKeyID string
	// UserName is the RAM user owning the key; empty for the main account.
	UserName string
}

// IsMainAccount reports whether the key belongs to the main account itself.
func (c Caller) IsMainAccount() bool { return c.UserName == "" }

// Input is what authentication reads from a request.
type Input struct {
	Method string
	Host   string // as received, port included
	Header http.Header
	Params map[string]string // query and form merged
	Query  map[string]string // the URL query alone
	Body   []byte
}

// Authenticator verifies signatures against the AccessKeys in the store.
type Authenticator struct {
	Store *store.Store
	// WallNow is the wall clock. Authentication never uses the domain clock:
	// a manual clock set to 2030 must not make every signature expire.
	WallNow func() time.Time
}

// Authenticate verifies an RPC v1 (Signature parameter, HMAC-SHA1) or ACS3
// (Authorization header, HMAC-SHA256) signature and records its nonce.
// It returns IncompleteSignature, MissingParameter, InvalidParameter (a
// nonce that cannot be recorded), InvalidSignatureMethod,
// InvalidTimeStamp.Format, InvalidTimeStamp.Expired,
// InvalidAccessKeyId.NotFound, InvalidAccessKeyId.Inactive,
// SignatureDoesNotMatch or SignatureNonceUsed.
func (a *Authenticator) Authenticate(ctx context.Context, in *Input) (Caller, error) {
	if h := in.Header.Get("Authorization"); strings.HasPrefix(h, "ACS3-") {
		return a.authenticateACS3(ctx, in, h)
	}
	if _, ok := in.Params["Signature"]; ok {
		return a.authenticateV1(ctx, in)
	}
	return Caller{}, apierr.IncompleteSignature.Newf("The request carries no signature: send a Signature parameter (RPC v1) or an ACS3-HMAC-SHA256 Authorization header.")
}

func (a *Authenticator) authenticateV1(ctx context.Context, in *Input) (Caller, error) {
	p := in.Params
	for _, name := range []string{"AccessKeyId", "SignatureMethod", "SignatureNonce", "Timestamp"} {
		if p[name] == "" {
			return Caller{}, apierr.MissingParameter.New(name)
		}
	}
	if p["SignatureMethod"] != "HMAC-SHA1" {
		return Caller{}, apierr.InvalidSignatureMethod.Newf("Specified signature method is not valid: %q; use HMAC-SHA1.", p["SignatureMethod"])
	}
	if v, ok := p["SignatureVersion"]; ok && v != "1.0" {
		return Caller{}, apierr.InvalidSignatureMethod.Newf("Specified signature version is not valid: %q; use 1.0.", v)
	}
	if err := checkNonce(p["SignatureNonce"]); err != nil {
		return Caller{}, err
	}
	ts, err := a.checkTime(p["Timestamp"])
	if err != nil {
		return Caller{}, err
	}
	key, err := a.key(ctx, p["AccessKeyId"])
	if err != nil {
		return Caller{}, err
	}
	sts := StringToSignV1(in.Method, p)
	if !VerifyV1(key.Secret, sts, p["Signature"]) {
		return Caller{}, apierr.SignatureDoesNotMatch.Newf("Specified signature is not matched with our calculation. server string to sign is:%s", sts)
	}
	return a.useNonce(ctx, key, p["SignatureNonce"], ts)
}

func (a *Authenticator) authenticateACS3(ctx context.Context, in *Input, header string) (Caller, error) {
	authz, err := ParseACS3Authorization(header)
	if err != nil {
		return Caller{}, apierr.IncompleteSignature.Newf("The Authorization header is not valid: %v.", err)
	}
	if authz.Algorithm != ACS3Algorithm {
		return Caller{}, apierr.InvalidSignatureMethod.Newf("Specified signature method is not valid: %q; use %s.", authz.Algorithm, ACS3Algorithm)
	}
	if err := checkSignedHeaders(in, authz.SignedHeaders); err != nil {
		return Caller{}, err
	}
	date, nonce := in.Header.Get("x-acs-date"), in.Header.Get("x-acs-signature-nonce")
	if date == "" {
		return Caller{}, apierr.MissingParameter.New("x-acs-date")
	}
	if nonce == "" {
		return Caller{}, apierr.MissingParameter.New("x-acs-signature-nonce")
	}
	if err := checkNonce(nonce); err != nil {
		return Caller{}, err
	}
	ts, err := a.checkTime(date)
	if err != nil {
		return Caller{}, err
	}
	key, err := a.key(ctx, authz.AccessKeyID)
	if err != nil {
		return Caller{}, err
	}
	sum := sha256.Sum256(in.Body)
	payload := hex.EncodeToString(sum[:])
	if h := in.Header.Get("x-acs-content-sha256"); h != "" && !strings.EqualFold(h, payload) {
		return Caller{}, apierr.SignatureDoesNotMatch.Newf("The x-acs-content-sha256 header does not match the SHA-256 of the request body.")
	}
	canonical := CanonicalRequestACS3(in.Method, "/", in.Query, in.Header, in.Host, authz.SignedHeaders, payload)
	sts := StringToSignACS3(canonical)
	if !VerifyACS3(key.Secret, sts, authz.Signature) {
		return Caller{}, apierr.SignatureDoesNotMatch.Newf("Specified signature is not matched with our calculation. server string to sign is:%s", sts)
	}
	return a.useNonce(ctx, key, nonce, ts)
}

// checkSignedHeaders refuses an ACS3 signature that leaves out a header the
// server acts on: host, every x-acs-* header sent (the action, version, date
// and nonce among them) and content-type when present, which decides whether
// the body holds parameters. What routes a request and guards it against
// replay is then always something the client signed. The official SDKs sign
// exactly these headers.
func checkSignedHeaders(in *Input, signed []string) error {
	set := make(map[string]bool, len(signed))
	for _, h := range signed {
		set[strings.ToLower(h)] = true
	}
	need := []string{"host"}
	for name := range in.Header {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "x-acs-") || (lower == "content-type" && in.Header.Get(name) != "") {
			need = append(need, lower)
		}
	}
	var missing []string
	for _, h := range need {
		if !set[h] {
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return apierr.IncompleteSignature.Newf("The request signature does not conform to Aliyun standards: SignedHeaders must include host, content-type when sent and every x-acs-* header sent; missing %s.", strings.Join(missing, ";"))
	}
	return nil
}

// checkTime parses an ISO 8601 UTC timestamp and checks it against the wall clock.
func (a *Authenticator) checkTime(s string) (time.Time, error) {
	ts, err := time.Parse("2006-01-02T15:04:05Z", s)
	if err != nil {
		ts, err = time.Parse(time.RFC3339, s)
	}
	if err != nil {
		return time.Time{}, apierr.InvalidTimeStampFormat.Newf("Specified time stamp or date value is not well formatted: %q; use yyyy-MM-ddTHH:mm:ssZ in UTC.", s)
	}
	if d := a.WallNow().Sub(ts); d > MaxSkew || d < -MaxSkew {
		return time.Time{}, apierr.InvalidTimeStampExpired.Newf("Specified time stamp or date value is expired: %s is more than 15 minutes from the server time %s.", s, a.WallNow().UTC().Format("2006-01-02T15:04:05Z"))
	}
	return ts, nil
}

// maxKeyIDLength and maxNonceLength bound what reaches the store. Real
// AccessKeyIds are 24 characters and nonces 32 to 64; PostgreSQL refuses
// index keys over about 2.7 KB.
const (
	maxKeyIDLength = 128
	maxNonceLength = 256
)

// storable reports whether s can be a key in the store: PostgreSQL text
// refuses NUL bytes and invalid UTF-8 (a database error, not an answer).
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// checkNonce refuses a nonce that no client sends and the store could not
// record.
func checkNonce(nonce string) error {
	if len(nonce) > maxNonceLength || !storable(nonce) {
		return apierr.InvalidParameter.Newf("The SignatureNonce is not valid: send at most %d bytes of UTF-8 text without NUL, such as a UUID.", maxNonceLength)
	}
	return nil
}

func (a *Authenticator) key(ctx context.Context, id string) (*store.AccessKey, error) {
	if len(id) > maxKeyIDLength || !storable(id) {
		// No key has such an id; do not ask the store.
		return nil, apierr.InvalidAccessKeyIDNotFound.New()
	}
	key, err := a.Store.AccessKeyGetByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apierr.InvalidAccessKeyIDNotFound.New()
	}
	if err != nil {
		return nil, apierr.ServiceUnavailable.New().Wrap(err)
	}
	if key.Status != store.KeyActive {
		return nil, apierr.InvalidAccessKeyIDInactive.New()
	}
	return key, nil
}

// useNonce records the nonce until its request could no longer be replayed:
// MaxSkew after the later of its timestamp and now.
func (a *Authenticator) useNonce(ctx context.Context, key *store.AccessKey, nonce string, ts time.Time) (Caller, error) {
	now := a.WallNow()
	until := now
	if ts.After(until) {
		until = ts
	}
	// One statement, atomic on its own: no transaction around it.
	fresh, err := a.Store.NonceUse(ctx, key.ID, nonce, now, until.Add(MaxSkew))
	if err != nil {
		return Caller{}, apierr.ServiceUnavailable.New().Wrap(err)
	}
	if !fresh {
		return Caller{}, apierr.SignatureNonceUsed.New()
	}
	return Caller{AccountID: key.AccountID, AccessKeyID: key.ID, UserName: key.UserName}, nil
}
