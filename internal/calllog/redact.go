package calllog

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
)

// Redacted replaces every secret value in the call log.
const Redacted = "***"

// secretWords are the parameter and answer names whose values never reach
// the call log, matched case-insensitively inside the name (so
// LoginProfile.Password, NewPassword, AccessKeySecret and
// Credentials.SecurityToken all match). "Signature" alone is matched
// exactly: SignatureNonce, SignatureMethod and SignatureVersion are not
// secret and help to read a failed signature.
var secretWords = []string{
	"password",      // Password, NewPassword, OldPassword, LoginProfile.Password
	"secret",        // AccessKeySecret, ClientSecret, any *Secret*
	"securitytoken", // STS tokens (SecurityToken, x-acs-security-token as a parameter)
	"bearertoken",
	"privatekey", // key pair and certificate bodies
	"userdata",   // instance user data: scripts that often carry credentials
	"authorization",
}

// notSecret are names that contain a secret word but hold no secret.
var notSecret = map[string]bool{
	"passwordinherit": true, // a boolean flag of RunInstances
}

// IsSecret reports whether a parameter or answer field named name holds a
// secret.
func IsSecret(name string) bool {
	if name == "Signature" {
		return true
	}
	lower := strings.ToLower(name)
	if i := strings.LastIndexByte(lower, '.'); i >= 0 && notSecret[lower[i+1:]] {
		return false
	}
	if notSecret[lower] {
		return false
	}
	for _, w := range secretWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// redactParams returns a copy of params with secret values replaced.
func redactParams(params map[string]string) map[string]string {
	out := make(map[string]string, len(params))
	for k, v := range params {
		if IsSecret(k) {
			v = Redacted
		}
		out[k] = v
	}
	return out
}

// mayHoldSecret is a quick test on an encoded answer: only answers that
// name a field with a secret word (ecsd's answers spell fields in
// PascalCase) are decoded and walked.
func mayHoldSecret(raw []byte) bool {
	for _, w := range [][]byte{[]byte("Password"), []byte("Secret"), []byte("Token"), []byte("PrivateKey"), []byte("UserData"), []byte("Signature")} {
		for rest, off := raw, 0; ; {
			i := bytes.Index(rest, w)
			if i < 0 {
				break
			}
			// The name the word is part of: a NextToken or PasswordInherit
			// field holds no secret, and parsing every answer that pages
			// (NextToken) costs more than the rest of logging it.
			at := off + i
			lo, hi := at, at+len(w)
			for lo > 0 && isNameByte(raw[lo-1]) {
				lo--
			}
			for hi < len(raw) && isNameByte(raw[hi]) {
				hi++
			}
			if IsSecret(string(raw[lo:hi])) {
				return true
			}
			off = at + len(w)
			rest = raw[off:]
		}
	}
	return false
}

// isNameByte reports whether b can be part of a parameter or field name.
func isNameByte(b byte) bool {
	return b == '.' || b == '_' || b == '-' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// redactJSON replaces the values of secret fields anywhere in a JSON
// document.
func redactJSON(raw []byte) []byte {
	if !mayHoldSecret(raw) {
		return raw
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return []byte(`"` + Redacted + `"`)
	}
	out, err := json.Marshal(redactValue(v))
	if err != nil {
		return []byte(`"` + Redacted + `"`)
	}
	return out
}

// xmlElement is an element with text content.
var xmlElement = regexp.MustCompile(`<([A-Za-z0-9_.]+)>([^<]*)</([A-Za-z0-9_.]+)>`)

// redactXML replaces the text of secret elements of an XML answer.
func redactXML(raw []byte) []byte {
	if !mayHoldSecret(raw) {
		return raw
	}
	return xmlElement.ReplaceAllFunc(raw, func(m []byte) []byte {
		sub := xmlElement.FindSubmatch(m)
		if string(sub[1]) != string(sub[3]) || !IsSecret(string(sub[1])) {
			return m
		}
		return []byte("<" + string(sub[1]) + ">" + Redacted + "</" + string(sub[1]) + ">")
	})
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if IsSecret(k) {
				t[k] = Redacted
			} else {
				t[k] = redactValue(x)
			}
		}
	case []any:
		for i, x := range t {
			t[i] = redactValue(x)
		}
	}
	return v
}
