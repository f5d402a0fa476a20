package rpc

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"

	"github.com/ecsd/ecsd/internal/apierr"
)

// Content types. Only this exact XML value makes the Tea SDKs parse XML.
const (
	contentJSON = "application/json;charset=utf-8"
	contentXML  = "text/xml;charset=utf-8"
)

// format is the response encoding a request asked for.
type format int

const (
	formatJSON format = iota
	formatXML
)

// parseFormat reads the Format parameter: JSON (the default, and what every
// SDK sends) or XML, in any case. Anything else is InvalidParameter.Format.
func parseFormat(params map[string]string) (format, error) {
	switch v := params["Format"]; v {
	case "", "JSON", "json", "Json":
		return formatJSON, nil
	case "XML", "xml", "Xml":
		return formatXML, nil
	default:
		return formatJSON, apierr.InvalidParameterFormat.Newf("Specified parameter format is not valid: %q; use JSON or XML.", v)
	}
}

// bssEnvelope is how BSS wraps every success body.
type bssEnvelope struct {
	Code      string
	Message   string
	RequestId string
	Success   bool
	Data      any
}

// encodeSuccess writes a 200 with body in the product's envelope, and
// returns the status and bytes it wrote (for the call log).
func encodeSuccess(w http.ResponseWriter, f format, env Envelope, action, requestID string, body any) (int, []byte) {
	if s, ok := body.(requestIDSetter); ok {
		s.setRequestID(requestID)
	}
	if env == BSS {
		body = &bssEnvelope{Code: "Success", Message: "Successful!", RequestId: requestID, Success: true, Data: body}
	}
	var buf bytes.Buffer
	var err error
	content := contentJSON
	if f == formatXML {
		content = contentXML
		buf.WriteString(xml.Header)
		err = xml.NewEncoder(&buf).EncodeElement(body, xml.StartElement{Name: xml.Name{Local: action + "Response"}})
	} else {
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		err = enc.Encode(body)
	}
	if err != nil {
		out := internalErrorBody(requestID)
		writeRaw(w, http.StatusInternalServerError, contentJSON, out)
		return http.StatusInternalServerError, out
	}
	writeRaw(w, http.StatusOK, content, buf.Bytes())
	return http.StatusOK, buf.Bytes()
}

// errorBody is the error envelope; every field is a string, because Go SDK
// v1 panics on any other type.
type errorBody struct {
	XMLName            xml.Name       `json:"-" xml:"Error"`
	RequestId          string         `json:"RequestId"`
	HostId             string         `json:"HostId"`
	Code               string         `json:"Code"`
	Message            string         `json:"Message"`
	Recommend          string         `json:"Recommend"`
	AccessDeniedDetail map[string]any `json:"AccessDeniedDetail,omitempty" xml:"-"`
}

// encodeError writes e with its catalog status.
func encodeError(w http.ResponseWriter, f format, product, host, requestID string, e *apierr.Error) {
	for k, v := range e.Header {
		w.Header().Set(k, v)
	}
	if product == "" {
		product = "Ecs"
	}
	body := errorBody{
		RequestId:          requestID,
		HostId:             host,
		Code:               e.Def.Code,
		Message:            e.Message,
		Recommend:          "https://api.alibabacloud.com/troubleshoot?intl_lang=EN_US&q=" + url.QueryEscape(e.Def.Code) + "&product=" + product + "&requestId=" + requestID,
		AccessDeniedDetail: e.Detail,
	}
	var buf bytes.Buffer
	if f == formatXML {
		buf.WriteString(xml.Header)
		_ = xml.NewEncoder(&buf).Encode(body)
		writeRaw(w, e.Def.Status, contentXML, buf.Bytes())
		return
	}
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(body)
	writeRaw(w, e.Def.Status, contentJSON, buf.Bytes())
}

func internalErrorBody(requestID string) []byte {
	b, _ := json.Marshal(errorBody{RequestId: requestID, Code: apierr.InternalError.Code, Message: apierr.InternalError.Message})
	return b
}

func writeRaw(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
