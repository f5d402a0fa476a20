package console

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sessions are signed cookies, not rows: "<expiry unix>.<MAC>", the MAC
// keyed by the admin token. Every replica that shares the token accepts
// them, and changing the token ends every session. The CSRF token of a
// form is a MAC of the session cookie, so it is bound to one session and
// needs no storage either.

const (
	cookieName = "ecsd_console"
	sessionTTL = 12 * time.Hour
	csrfField  = "csrf"
)

// keys derives the console's MAC key from the admin token, so that the
// token itself is never what a cookie is checked against.
func sessionKey(adminToken string) []byte {
	m := hmac.New(sha256.New, []byte(adminToken))
	m.Write([]byte("ecsd console session v1"))
	return m.Sum(nil)
}

func mac(key []byte, parts ...string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// newSession returns a cookie value valid until now+sessionTTL.
func (c *Console) newSession(now time.Time) string {
	exp := strconv.FormatInt(now.Add(sessionTTL).Unix(), 10)
	return exp + "." + mac(c.key, "session", exp)
}

// session returns the request's valid session cookie value, or "".
func (c *Console) session(r *http.Request) string {
	ck, err := r.Cookie(cookieName)
	if err != nil {
		return ""
	}
	exp, sig, ok := strings.Cut(ck.Value, ".")
	if !ok {
		return ""
	}
	n, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || time.Now().Unix() >= n {
		return ""
	}
	if subtle.ConstantTimeCompare([]byte(sig), []byte(mac(c.key, "session", exp))) != 1 {
		return ""
	}
	return ck.Value
}

// csrfToken is the token the forms of a session carry.
func (c *Console) csrfToken(session string) string {
	return mac(c.key, "csrf", session)
}

func (c *Console) validCSRF(session, got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(c.csrfToken(session))) == 1
}

func setSessionCookie(w http.ResponseWriter, r *http.Request, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: cookieName, Value: value, Path: Prefix, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
}
