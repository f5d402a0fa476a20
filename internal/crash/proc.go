// Package crash is ecsd's crash harness: real `ecsd serve` processes under
// mixed signed load are killed with SIGKILL at random moments and
// restarted, many times, on SQLite and on PostgreSQL (one or several
// replicas on one database); then the invariants are checked from the
// store. cmd/ecsd-crash runs it at length; its test runs a short form.
package crash

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Build compiles cmd/ecsd of the module at moduleDir into dir and returns
// the binary's path.
func Build(ctx context.Context, moduleDir, dir string) (string, error) {
	bin := filepath.Join(dir, "ecsd")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/ecsd")
	cmd.Dir = moduleDir
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/ecsd: %v\n%s", err, out)
	}
	return bin, nil
}

// proc is one `ecsd serve` process, restartable on the same address.
type proc struct {
	bin  string
	args []string
	Addr string
	log  string
	cmd  *exec.Cmd
	done chan error
	from int64 // the log's size when the process started
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func newProc(bin, logPath string, args []string) (*proc, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	return &proc{bin: bin, args: append([]string{"serve", "--addr", addr}, args...), Addr: addr, log: logPath}, nil
}

// start runs the process and waits until /readyz answers 200.
func (p *proc) start(ctx context.Context) error {
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil {
		p.from = fi.Size()
	}
	cmd := exec.Command(p.bin, p.args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		return err
	}
	p.cmd, p.done = cmd, make(chan error, 1)
	go func() { p.done <- cmd.Wait() }()
	// A generous bound: the first start migrates the schema, River's
	// included, and a loaded CI machine is slow at it.
	deadline := time.Now().Add(startWithin)
	for {
		resp, err := http.Get("http://" + p.Addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-p.done:
			p.cmd = nil
			return fmt.Errorf("ecsd exited at start (%v); %s ends:\n%s", err, p.log, tail(p.log))
		case <-ctx.Done():
			p.kill()
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.kill()
			return fmt.Errorf("ecsd not ready after %s; %s ends:\n%s", startWithin, p.log, tail(p.log))
		}
	}
}

// kill sends SIGKILL and reaps the process.
func (p *proc) kill() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	p.cmd = nil
}

// term sends SIGTERM and waits for a clean exit.
func (p *proc) term(timeout time.Duration) error {
	if p.cmd == nil {
		return nil
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.cmd = nil
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("ecsd exited with %v after SIGTERM; see %s", err, p.log)
		}
		return err
	case <-time.After(timeout):
		p.kill()
		return fmt.Errorf("ecsd did not exit within %s of SIGTERM; see %s", timeout, p.log)
	}
}

// logged returns what the process wrote to its log since it started.
func (p *proc) logged() string {
	b, err := os.ReadFile(p.log)
	if err != nil || int64(len(b)) < p.from {
		return ""
	}
	return string(b[p.from:])
}

const startWithin = 90 * time.Second

// tail returns the last lines of a process's log, for a failure message
// that outlives the test's temporary directory.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(len(lines)-20, 0):], "\n")
}
