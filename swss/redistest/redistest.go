// Package redistest starts a real redis-server for tests: on a private unix
// socket in a temp dir, with keyspace notifications on (AKE), no
// persistence, stopped by PID at cleanup. A missing redis-server fails the
// test (under CI=true always; elsewhere unless VLTGW_ALLOW_SKIP=1 asks for
// a skip) — integration tests never pass silently without their server.
//
// Typical use:
//
//	srv := redistest.Start(t)           // stopped at t.Cleanup
//	app := srv.DB(swss.ApplDB)          // *swss.DB on the default database_config.json
//	raw := srv.Client(0)                // plain go-redis client on database 0
//	cfg := srv.DBConfig()               // to hand to code that calls swss.Connect
//	srv.Restart()                       // kill and start an empty server on the same socket
package redistest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/swss"
)

// Server is a running redis-server.
type Server struct {
	t      testing.TB
	dir    string
	Socket string // the unix socket path (short, under the temp dir)
	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
}

// Start launches redis-server and waits until it answers PING.
func Start(t testing.TB) *Server {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "true" && os.Getenv("VLTGW_ALLOW_SKIP") == "1" {
			t.Skipf("redis-server not installed and VLTGW_ALLOW_SKIP=1: %v", err)
		}
		t.Fatalf("redis-server not installed (%v): run `make deps` (apt-get install redis-server)", err)
	}
	dir, err := os.MkdirTemp("", "vltgw-redis-")
	if err != nil {
		t.Fatalf("redistest: temp dir: %v", err)
	}
	s := &Server{t: t, dir: dir, Socket: filepath.Join(dir, "redis.sock")}
	t.Cleanup(func() {
		s.Stop()
		os.RemoveAll(dir)
	})
	if err := s.start(path); err != nil {
		t.Fatalf("redistest: %v", err)
	}
	return s
}

func (s *Server) start(path string) error {
	cmd := exec.Command(path,
		"--port", "0", "--unixsocket", s.Socket, "--unixsocketperm", "700",
		"--notify-keyspace-events", "AKE", "--save", "", "--appendonly", "no",
		"--dir", s.dir, "--logfile", filepath.Join(s.dir, "redis.log"), "--databases", "16")
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	s.mu.Lock()
	s.cmd, s.exited = cmd, exited
	s.mu.Unlock()
	c := redis.NewClient(&redis.Options{Network: "unix", Addr: s.Socket, MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
			return fmt.Errorf("redis-server exited at start: %s", strings.TrimSpace(string(log)))
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server on %s did not answer PING: %w", s.Socket, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Stop kills the server (by PID) and waits for it to exit.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill()
	<-exited
	_ = os.Remove(s.Socket)
}

// Restart stops the server and starts a fresh, empty one on the same
// socket (tests of reconnection).
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	path, _ := exec.LookPath("redis-server")
	if err := s.start(path); err != nil {
		s.t.Fatalf("redistest: restart: %v", err)
	}
}

// Client returns a client on database id, closed at test cleanup.
func (s *Server) Client(id int) *redis.Client {
	c := redis.NewClient(&redis.Options{Network: "unix", Addr: s.Socket, DB: id})
	s.t.Cleanup(func() { c.Close() })
	return c
}

// DBConfig returns the default database_config.json pointed at this server.
func (s *Server) DBConfig() *swss.DBConfig { return swss.DefaultDBConfig().WithSocket(s.Socket) }

// DB connects to the named database of the default config.
func (s *Server) DB(name string) *swss.DB {
	s.t.Helper()
	db, err := swss.Connect(context.Background(), s.DBConfig(), name)
	if err != nil {
		s.t.Fatalf("redistest: %v", err)
	}
	s.t.Cleanup(func() { db.Close() })
	return db
}
