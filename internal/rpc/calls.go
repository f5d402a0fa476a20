package rpc

import (
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/auth"
)

// Call is an answered request, as the pipeline hands it to the call log.
// It holds what the request already had, unprocessed: removing secrets,
// encoding and storing are the recorder's work, off the request path.
type Call struct {
	Start     time.Time
	Duration  time.Duration
	RequestID string
	Caller    auth.Caller // zero when authentication failed
	Product   string      // "" when routing failed
	Action    string      // "" when routing failed
	Request   *Request    // nil when the request could not be parsed
	Status    int         // HTTP status of the answer
	Err       *apierr.Error
	// Answer is the body sent on success, JSON or (XML true) XML; nil for
	// an error.
	Answer []byte
	XML    bool
}

// Recorder takes answered calls. Record must not block: it runs on the
// request path.
type Recorder interface {
	Record(*Call)
}

func (s *Server) record(c *Call) {
	if s.Calls != nil {
		s.Calls.Record(c)
	}
}
