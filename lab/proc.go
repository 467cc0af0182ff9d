package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Proc is one process the lab started. It is identified by PID and by its
// start time (clock ticks since boot, /proc/<pid>/stat field 22), so a PID
// reused by another process after ours exited is never signalled.
type Proc struct {
	Switch     string   `json:"switch"`
	Name       string   `json:"name"`
	PID        int      `json:"pid"`
	StartTicks uint64   `json:"start_ticks"`
	Argv       []string `json:"argv"`
	Log        string   `json:"log"`

	// In the process that started it: the handle, and done closed when it
	// has been waited for.
	cmd  *exec.Cmd
	done chan struct{}
}

// startProc starts argv with stdout and stderr appended to logPath, in its
// own process group (a Ctrl-C on the terminal reaches the lab, which stops
// the daemons in order, not the daemons directly). Its exit is reaped by a
// goroutine that ends when the process does.
func startProc(sw, name string, argv []string, logPath string) (*Proc, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s %s: start %s: %w", sw, name, argv[0], err)
	}
	p := &Proc{Switch: sw, Name: name, PID: cmd.Process.Pid, Argv: argv, Log: logPath, cmd: cmd, done: make(chan struct{})}
	p.StartTicks, _ = startTicks(p.PID)
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// String names the process.
func (p *Proc) String() string { return fmt.Sprintf("%s/%s (pid %d)", p.Switch, p.Name, p.PID) }

// Alive reports whether the process still runs (a zombie counts as dead).
func (p *Proc) Alive() bool {
	if p.done != nil {
		select {
		case <-p.done:
			return false
		default:
			return true
		}
	}
	return p.ours()
}

// ours reports whether PID still names the process we started, running.
func (p *Proc) ours() bool {
	if p.PID <= 0 {
		return false
	}
	ticks, state, err := procStat(p.PID)
	if err != nil || state == "Z" || state == "X" {
		return false
	}
	return p.StartTicks == 0 || ticks == p.StartTicks
}

// ExitStatus describes how a process that this lab waited for ended.
func (p *Proc) ExitStatus() string {
	if p.cmd == nil || p.cmd.ProcessState == nil {
		return ""
	}
	return p.cmd.ProcessState.String()
}

// Stop sends SIGTERM and waits up to grace for the exit, then SIGKILL. It
// never signals a PID that no longer names our process. killed reports
// whether SIGKILL was needed.
func (p *Proc) Stop(ctx context.Context, grace time.Duration) (killed bool, err error) {
	if !p.Alive() {
		return false, nil
	}
	if err := p.signal(syscall.SIGTERM); err != nil {
		return false, err
	}
	if p.wait(ctx, grace) {
		return false, nil
	}
	if err := p.signal(syscall.SIGKILL); err != nil {
		return true, err
	}
	if !p.wait(context.Background(), 5*time.Second) {
		return true, fmt.Errorf("%s: still running after SIGKILL", p)
	}
	return true, nil
}

func (p *Proc) signal(sig syscall.Signal) error {
	if p.cmd != nil {
		if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
			return fmt.Errorf("%s: %v: %w", p, sig, err)
		}
		return nil
	}
	if !p.ours() {
		return nil
	}
	if err := syscall.Kill(p.PID, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("%s: %v: %w", p, sig, err)
	}
	return nil
}

// wait waits until the process is gone, for at most d (or ctx).
func (p *Proc) wait(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	if p.done != nil {
		select {
		case <-p.done:
			return true
		case <-timer.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for p.ours() {
		select {
		case <-tick.C:
		case <-timer.C:
			return !p.ours()
		case <-ctx.Done():
			return !p.ours()
		}
	}
	return true
}

// procStat reads a process's start time (field 22) and state (field 3).
func procStat(pid int) (uint64, string, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, "", err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, "", fmt.Errorf("/proc/%d/stat: malformed", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return 0, "", fmt.Errorf("/proc/%d/stat: malformed", pid)
	}
	ticks, err := strconv.ParseUint(f[19], 10, 64)
	return ticks, f[0], err
}

func startTicks(pid int) (uint64, error) {
	t, _, err := procStat(pid)
	return t, err
}
