package rpc

import (
	"net/http"

	"github.com/ecsd/ecsd/internal/apierr"
)

// EncodeSuccessXML and EncodeErrorXML expose the XML encoder to fuzzing.
func EncodeSuccessXML(w http.ResponseWriter, bss bool, action, requestID string, body any) {
	env := Flat
	if bss {
		env = BSS
	}
	encodeSuccess(w, formatXML, env, action, requestID, body)
}

func EncodeErrorXML(w http.ResponseWriter, product, host, requestID string, e *apierr.Error) {
	encodeError(w, formatXML, product, host, requestID, e)
}
