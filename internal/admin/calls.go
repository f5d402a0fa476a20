package admin

import (
	"net/http"

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
	if a.Calls != nil {
		if err := a.Calls.Flush(r.Context()); err != nil {
			writeError(w, err)
			return
		}
	}
	page, err := calllog.List(r.Context(), a.Store.Q, f)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

func (a *API) getCall(w http.ResponseWriter, r *http.Request) {
	if a.Calls != nil {
		if err := a.Calls.Flush(r.Context()); err != nil {
			writeError(w, err)
			return
		}
	}
	e, err := calllog.Get(r.Context(), a.Store.Q, r.PathValue("CallId"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}
