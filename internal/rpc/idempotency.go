package rpc

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"sort"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/store"
)

// maxClientToken is the documented limit: at most 64 ASCII characters.
const maxClientToken = 64

// notHashed are the parameters that change with every signing and say
// nothing about what is asked: a retry re-signs them.
var notHashed = map[string]bool{
	"AccessKeyId": true, "Signature": true, "SignatureMethod": true, "SignatureNonce": true,
	"SignatureVersion": true, "SignatureType": true, "Timestamp": true, "Format": true,
	"Version": true, "Action": true, "ClientToken": true, "SecurityToken": true,
}

// clientToken validates the ClientToken of an idempotent action and hashes
// the other parameters. It returns InvalidClientToken.ValueNotSupported for a
// token longer than 64 characters or not ASCII.
func clientToken(a *Action, params map[string]string) (token, hash string, err error) {
	token = params["ClientToken"]
	if !a.Idempotent || token == "" {
		return "", "", nil
	}
	if len(token) > maxClientToken {
		return "", "", apierr.InvalidClientTokenValueNotSupported.Newf("The ClientToken provided is invalid: it is %d characters long; at most %d ASCII characters are allowed.", len(token), maxClientToken)
	}
	for i := 0; i < len(token); i++ {
		if token[i] < 0x20 || token[i] > 0x7e {
			return "", "", apierr.InvalidClientTokenValueNotSupported.Newf("The ClientToken provided is invalid: only printable ASCII characters are allowed.")
		}
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		if !notHashed[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write([]byte(params[k]))
		h.Write([]byte{0})
	}
	return token, hex.EncodeToString(h.Sum(nil)), nil
}

// claimToken records the token in tx, or finds the earlier request's record.
// done is true when the answer is a replay (body) of that earlier request.
// It returns IdempotenceParamNotMatch when the token came with other
// parameters before.
func claimToken(ctx context.Context, tx *store.Tx, env *Env, action, token, hash string) (body any, done bool, err error) {
	won, err := tx.IdempotencyClaim(ctx, &store.IdempotencyRecord{
		AccountID: env.Caller.AccountID, Action: action, ClientToken: token, ParamsHash: hash, CreatedAt: env.Now,
	})
	if err != nil || won {
		return nil, false, err
	}
	rec, err := tx.IdempotencyGet(ctx, env.Caller.AccountID, action, token)
	if err != nil {
		return nil, false, err
	}
	if rec.ParamsHash != hash {
		return nil, false, apierr.IdempotenceParamNotMatch.New()
	}
	fields, err := decodeFields([]byte(rec.Response))
	if err != nil {
		return nil, false, errors.Join(errors.New("stored idempotent response"), err)
	}
	return replayed(fields), true, nil
}

// rememberToken stores the business part of the answer (not its RequestId).
func rememberToken(ctx context.Context, tx *store.Tx, env *Env, action, token string, body any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	fields, err := decodeFields(raw)
	if err != nil {
		return err
	}
	delete(fields, "RequestId")
	raw, err = json.Marshal(fields)
	if err != nil {
		return err
	}
	return tx.IdempotencySetResponse(ctx, env.Caller.AccountID, action, token, string(raw))
}

// decodeFields decodes a JSON object keeping numbers as written ("300.00"
// stays "300.00" when encoded again).
func decodeFields(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var fields map[string]any
	return fields, dec.Decode(&fields)
}

// replayed is a stored answer sent again with a fresh RequestId. It encodes
// as JSON (a map) and as XML (elements named by key, lists as repeated
// elements, as the original's would be).
type replayed map[string]any

func (r replayed) setRequestID(id string) { r["RequestId"] = id }

func (r replayed) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if err := encodeXMLFields(e, r); err != nil {
		return err
	}
	return e.EncodeToken(start.End())
}

func encodeXMLFields(e *xml.Encoder, m map[string]any) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := encodeXMLValue(e, k, m[k]); err != nil {
			return err
		}
	}
	return nil
}

func encodeXMLValue(e *xml.Encoder, name string, v any) error {
	switch v := v.(type) {
	case []any:
		for _, item := range v {
			if err := encodeXMLValue(e, name, item); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		start := xml.StartElement{Name: xml.Name{Local: name}}
		if err := e.EncodeToken(start); err != nil {
			return err
		}
		if err := encodeXMLFields(e, v); err != nil {
			return err
		}
		return e.EncodeToken(start.End())
	case nil:
		return e.EncodeElement("", xml.StartElement{Name: xml.Name{Local: name}})
	default:
		return e.EncodeElement(v, xml.StartElement{Name: xml.Name{Local: name}})
	}
}
