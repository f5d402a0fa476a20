package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// jsonKind is the JSON type of a jsonValue.
type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonBool
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// jsonValue is a JSON value that keeps the order of an object's members,
// which encoding/json's map decoding loses, so that the first error in
// document order is the one reported and duplicate members are caught.
type jsonValue struct {
	kind  jsonKind
	text  string       // a string's value, a number's literal, "true" or "false"
	keys  []string     // an object's member names, in document order
	elems []*jsonValue // an array's elements, or an object's values (parallel to keys)
}

// describe names a value for an error message: a scalar is quoted as it
// appears, a container by its type.
func (v *jsonValue) describe() string {
	switch v.kind {
	case jsonNull:
		return "null"
	case jsonBool, jsonNumber:
		return v.text
	case jsonString:
		return fmt.Sprintf("%q", v.text)
	case jsonArray:
		return "an array"
	default:
		return "an object"
	}
}

// readJSON parses doc as exactly one JSON value. Syntax errors and duplicate
// object members come back as *MalformedError.
func readJSON(doc string) (*jsonValue, error) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	r := &jsonReader{dec: dec, doc: doc}
	tok, err := dec.Token()
	if err != nil {
		return nil, r.syntaxError(err)
	}
	root, err := r.value(tok, "")
	if err != nil {
		return nil, err
	}
	end := int(dec.InputOffset())
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return nil, r.syntaxError(err)
		}
		off := end + len(doc[end:]) - len(strings.TrimLeft(doc[end:], " \t\r\n"))
		return nil, &MalformedError{Kind: KindSyntax, Detail: "invalid JSON " + position(doc, off) + ": unexpected data after the top-level object"}
	}
	return root, nil
}

type jsonReader struct {
	dec *json.Decoder
	doc string
}

// value builds the value that starts with tok; path names it for errors.
func (r *jsonReader) value(tok json.Token, path string) (*jsonValue, error) {
	switch t := tok.(type) {
	case nil:
		return &jsonValue{kind: jsonNull}, nil
	case bool:
		if t {
			return &jsonValue{kind: jsonBool, text: "true"}, nil
		}
		return &jsonValue{kind: jsonBool, text: "false"}, nil
	case json.Number:
		return &jsonValue{kind: jsonNumber, text: string(t)}, nil
	case string:
		return &jsonValue{kind: jsonString, text: t}, nil
	case json.Delim:
		if t == '[' {
			return r.array(path)
		}
		if t == '{' {
			return r.object(path)
		}
	}
	// Token never returns a lone ']' or '}' without a syntax error.
	return nil, &MalformedError{Kind: KindSyntax, Detail: fmt.Sprintf("invalid JSON: unexpected token %v", tok)}
}

func (r *jsonReader) array(path string) (*jsonValue, error) {
	v := &jsonValue{kind: jsonArray}
	for {
		tok, err := r.dec.Token()
		if err != nil {
			return nil, r.syntaxError(err)
		}
		if d, ok := tok.(json.Delim); ok && d == ']' {
			return v, nil
		}
		e, err := r.value(tok, fmt.Sprintf("%s[%d]", path, len(v.elems)))
		if err != nil {
			return nil, err
		}
		v.elems = append(v.elems, e)
	}
}

func (r *jsonReader) object(path string) (*jsonValue, error) {
	v := &jsonValue{kind: jsonObject}
	seen := map[string]bool{}
	for {
		tok, err := r.dec.Token()
		if err != nil {
			return nil, r.syntaxError(err)
		}
		if d, ok := tok.(json.Delim); ok && d == '}' {
			return v, nil
		}
		key, ok := tok.(string)
		if !ok { // Token reports a non-string key as a syntax error first; kept for safety
			return nil, &MalformedError{Kind: KindSyntax, Path: path, Detail: "invalid JSON: object key is not a string"}
		}
		if seen[key] {
			return nil, &MalformedError{Kind: KindDuplicate, Path: path, Detail: fmt.Sprintf("duplicate element %q", key)}
		}
		seen[key] = true
		tok, err = r.dec.Token()
		if err != nil {
			return nil, r.syntaxError(err)
		}
		e, err := r.value(tok, joinPath(path, key))
		if err != nil {
			return nil, err
		}
		v.keys = append(v.keys, key)
		v.elems = append(v.elems, e)
	}
}

// syntaxError turns a decoder error into a MalformedError that gives the line
// and column of the fault.
func (r *jsonReader) syntaxError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &MalformedError{Kind: KindSyntax, Detail: "invalid JSON: unexpected end of input"}
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &MalformedError{Kind: KindSyntax, Detail: "invalid JSON " + position(r.doc, int(se.Offset)) + ": " + se.Error()}
	}
	return &MalformedError{Kind: KindSyntax, Detail: "invalid JSON: " + err.Error()}
}

// position renders a byte offset of doc as "at line L, column C" (1-based,
// columns counted in characters).
func position(doc string, off int) string {
	off = min(max(off, 0), len(doc))
	line, col := 1, 1
	for _, c := range doc[:off] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("at line %d, column %d", line, col)
}

// joinPath appends an object member to a path: Statement[0] + Effect gives
// Statement[0].Effect. Names that are not plain identifiers are quoted.
func joinPath(path, key string) string {
	if !isIdent(key) {
		return fmt.Sprintf("%s[%q]", path, key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
