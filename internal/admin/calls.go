package admin

import (
	"net/http"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/calllog"
)

// listCalls pages through the call log, newest first. This replica's
// buffered calls are written first, so a caller sees its own calls.
func (a *API) listCalls(w http.ResponseWriter, r *http.Request) {
	f, err := calllog.ParseFilter(r.URL.Query())
	if err != nil {
		writeError(w, err)
		return
	}
	if a.Calls == nil {
		writeJSON(w, http.StatusOK, &calllog.Page{Calls: []calllog.Entry{}, MaxResults: f.Limit})
		return
	}
	page, err := a.Calls.List(r.Context(), f)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

func (a *API) getCall(w http.ResponseWriter, r *http.Request) {
	if a.Calls == nil {
		writeError(w, apierr.InvalidCallIDNotFound.New())
		return
	}
	e, err := a.Calls.Get(r.Context(), r.PathValue("CallId"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}
