package server_test

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/ecsd/ecsd/internal/ecs"
	"github.com/ecsd/ecsd/internal/server"
)

// watchListener hands out connections that report when the server, having
// consumed every byte sent so far, asks for more: then a request whose body
// is only partly sent is in its handler, waiting for the rest.
type watchListener struct {
	net.Listener
	conns chan *watchConn
}

func (l *watchListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	wc := &watchConn{Conn: c, waiting: make(chan struct{}, 1)}
	wc.threshold.Store(-1)
	select {
	case l.conns <- wc:
	default:
	}
	return wc, nil
}

type watchConn struct {
	net.Conn
	read      atomic.Int64 // bytes the server has read
	threshold atomic.Int64 // signal once read >= threshold (-1: never)
	waiting   chan struct{}
}

func (c *watchConn) Read(p []byte) (int, error) {
	if th := c.threshold.Load(); th >= 0 && c.read.Load() >= th {
		select {
		case c.waiting <- struct{}{}:
		default:
		}
	}
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

// A request in flight when Shutdown is called completes; Shutdown waits for
// it, then returns nil with the store closed, and Serve returns nil.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	s, err := server.New(context.Background(), server.Config{Data: t.TempDir(), AdminToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := &watchListener{Listener: raw, conns: make(chan *watchConn, 1)}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()

	conn, err := net.Dial("tcp", raw.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	var wc *watchConn
	select {
	case wc = <-ln.conns:
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not accept the connection")
	}

	// pop-core style: every parameter in the form body.
	k := s.DefaultAccount.Key
	body := encodeParams(signedParams(k.ID, k.Secret, "DescribeRegions"))
	head := fmt.Sprintf("POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n", raw.Addr(), len(body))
	first := head + body[:len(body)/2]
	wc.threshold.Store(int64(len(first)))
	if _, err := io.WriteString(conn, first); err != nil {
		t.Fatal(err)
	}
	select {
	case <-wc.waiting:
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not start reading the request body")
	}

	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		shut <- s.Shutdown(ctx)
	}()
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned (%v) while a request was in flight", err)
	case <-time.After(300 * time.Millisecond):
	}
	// New connections are refused once Shutdown has begun.
	if c2, err := net.DialTimeout("tcp", raw.Addr().String(), time.Second); err == nil {
		c2.Close()
		t.Error("a new connection was accepted during Shutdown")
	}

	if _, err := io.WriteString(conn, body[len(body)/2:]); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the in-flight request got no response: %v", err)
	}
	defer resp.Body.Close()
	var out struct {
		RequestId string
		Regions   struct{ Region []map[string]any }
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || out.RequestId == "" || len(out.Regions.Region) == 0 {
		t.Fatalf("the in-flight request: HTTP %d %+v", resp.StatusCode, out)
	}
	if !resp.Close {
		t.Error("the response during Shutdown did not close the connection")
	}

	select {
	case err := <-shut:
		if err != nil {
			t.Fatalf("Shutdown: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Shutdown did not return after the request completed")
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v, want nil after Shutdown", err)
		}
	case <-time.After(5 * time.Second):
		t.Error("Serve did not return after Shutdown")
	}
	if err := s.Store.DB().PingContext(context.Background()); err == nil {
		t.Error("the store is still open after Shutdown")
	}
	// A second Shutdown is harmless.
	if err := s.Shutdown(context.Background()); err != nil {
		t.Errorf("second Shutdown: %v", err)
	}
}

// Shutdown may come before Serve has started (a signal right at start-up):
// Serve must then return at once instead of serving on a closed store.
func TestShutdownBeforeServe(t *testing.T) {
	t.Parallel()
	s, err := server.New(context.Background(), server.Config{Data: t.TempDir(), AdminToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	select {
	case err := <-served:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve after Shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		ln.Close() // unblock Serve
		t.Fatal("Serve after Shutdown kept serving on a closed store")
	}
}

// `ecsd serve` starts the server with the context that SIGTERM cancels. The
// cancellation begins the shutdown; it must not stop River under the
// requests still draining: jobs they insert, or that are due, still run
// until Shutdown stops River (and running ones finish then).
func TestSignalContextDoesNotStopJobs(t *testing.T) {
	eachStore(t, func(t *testing.T, cfg server.Config) {
		sigCtx, signal := context.WithCancel(context.Background())
		s, err := server.New(sigCtx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer shutdown(t, s)
		signal()
		jobs := s.ECS.Jobs.(*river.Client[*sql.Tx])
		res, err := jobs.Insert(context.Background(), ecs.TransitionArgs{InstanceID: "i-gone000000", From: "Pending", To: "Running"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(15 * time.Second)
		for {
			j, err := jobs.JobGet(context.Background(), res.Job.ID)
			if err != nil {
				t.Fatal(err)
			}
			if j.State == rivertype.JobStateCompleted {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("a job inserted after the signal is %s after 15s, want completed", j.State)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}
