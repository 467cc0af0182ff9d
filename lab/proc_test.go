package lab

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// script writes an executable shell script.
func script(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProcStopAndIdentity(t *testing.T) {
	dir := t.TempDir()
	sleeper := script(t, dir, "sleeper", "exec sleep 100")
	p, err := startProc("X", "sleeper", []string{sleeper}, filepath.Join(dir, "sleeper.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Alive() || p.StartTicks == 0 {
		t.Fatalf("started process: alive %v, start ticks %d", p.Alive(), p.StartTicks)
	}
	// Another process reading the state file sees the same process...
	remote := &Proc{Switch: p.Switch, Name: p.Name, PID: p.PID, StartTicks: p.StartTicks}
	if !remote.Alive() {
		t.Fatal("remote view: dead")
	}
	// ...but a recorded start time that does not match means the PID now
	// names someone else: never signalled.
	reused := &Proc{Switch: p.Switch, Name: p.Name, PID: p.PID, StartTicks: p.StartTicks + 1}
	if reused.Alive() {
		t.Fatal("reused PID seen as ours")
	}
	if killed, err := reused.Stop(context.Background(), time.Second); err != nil || killed {
		t.Fatalf("stop of a reused PID: %v %v", killed, err)
	}
	if !p.Alive() {
		t.Fatal("stopping a reused PID signalled the process")
	}
	killed, err := p.Stop(context.Background(), 5*time.Second)
	if err != nil || killed {
		t.Fatalf("stop: killed %v, %v", killed, err)
	}
	if p.Alive() || remote.Alive() {
		t.Fatal("alive after stop")
	}
	if !strings.Contains(p.ExitStatus(), "signal: terminated") {
		t.Errorf("exit status %q", p.ExitStatus())
	}
	// Stopping a dead process is a no-op.
	if killed, err := p.Stop(context.Background(), time.Second); err != nil || killed {
		t.Fatalf("second stop: %v %v", killed, err)
	}
}

func TestProcStopKillsAfterGrace(t *testing.T) {
	dir := t.TempDir()
	// SIGTERM ignored (inherited across exec), so only SIGKILL ends it.
	stubborn := script(t, dir, "stubborn", "trap '' TERM\nexec sleep 100")
	p, err := startProc("X", "stubborn", []string{stubborn}, filepath.Join(dir, "stubborn.log"))
	if err != nil {
		t.Fatal(err)
	}
	waitExec(t, p) // the trap is set once the shell has exec'd sleep
	// Stopped from "another process": only PID and start time known.
	remote := &Proc{Switch: "X", Name: "stubborn", PID: p.PID, StartTicks: p.StartTicks}
	killed, err := remote.Stop(context.Background(), 200*time.Millisecond)
	if err != nil || !killed {
		t.Fatalf("stop: killed %v, %v", killed, err)
	}
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		t.Fatal("not reaped")
	}
	if !strings.Contains(p.ExitStatus(), "killed") {
		t.Errorf("exit status %q", p.ExitStatus())
	}
}

// waitExec waits until the process runs sleep (its comm), so the shell's
// trap is in force.
func waitExec(t *testing.T, p *Proc) {
	t.Helper()
	for i := 0; i < 500; i++ {
		b, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.PID), "comm"))
		if strings.TrimSpace(string(b)) == "sleep" {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never exec'd sleep", p)
}

func TestStartProcErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := startProc("X", "nope", []string{filepath.Join(dir, "nope")}, filepath.Join(dir, "nope.log")); err == nil {
		t.Fatal("missing binary started")
	}
	if _, err := startProc("X", "nope", []string{"true"}, filepath.Join(dir, "no", "such", "dir.log")); err == nil {
		t.Fatal("log in a missing directory accepted")
	}
}
