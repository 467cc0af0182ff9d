package redistest_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
)

func TestStartRestartClient(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	c := srv.Client(4)
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if got := c.ConfigGet(ctx, "notify-keyspace-events").Val()["notify-keyspace-events"]; !strings.Contains(got, "K") || !strings.Contains(got, "E") {
		t.Fatalf("notify-keyspace-events = %q", got)
	}
	if db := srv.DB(swss.ConfigDB); db.ID != 4 || db.Separator != "|" {
		t.Fatalf("DB = %+v", db)
	}
	srv.Restart()
	// Same socket, empty server; old clients reconnect by themselves.
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("client after restart: %v", err)
	}
	if n := c.Exists(ctx, "k").Val(); n != 0 {
		t.Fatal("restarted server is not empty")
	}
}

// child runs Start in a test binary whose PATH has no redis-server.
func child(t *testing.T, env ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMissingRedisServer$", "-test.v")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CI=") && !strings.HasPrefix(kv, "VLTGW_ALLOW_SKIP=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, append([]string{"REDISTEST_CHILD=1", "PATH=" + t.TempDir()}, env...)...)
	out, _ := cmd.CombinedOutput()
	return string(out)
}

func TestMissingRedisServer(t *testing.T) {
	if os.Getenv("REDISTEST_CHILD") == "1" {
		redistest.Start(t)
		return
	}
	for _, c := range []struct {
		env  []string
		want string
	}{
		{[]string{"CI=true"}, "--- FAIL"},
		{[]string{"CI=true", "VLTGW_ALLOW_SKIP=1"}, "--- FAIL"}, // CI never skips
		{nil, "--- FAIL"},
		{[]string{"VLTGW_ALLOW_SKIP=1"}, "--- SKIP"},
	} {
		out := child(t, c.env...)
		if !strings.Contains(out, c.want) || !strings.Contains(out, "redis-server not installed") {
			t.Errorf("env %v: want %s with a clear message, got:\n%s", c.env, c.want, out)
		}
	}
}
