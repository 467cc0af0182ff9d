package pgworch

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// platformOIDs lists the platform's MY_MAC object ids.
func (s *stack) platformOIDs() []uint64 {
	objs, err := s.sw.List(halv1.ObjectType_OBJECT_TYPE_MY_MAC)
	if err != nil {
		s.t.Fatal(err)
	}
	var out []uint64
	for _, o := range objs {
		out = append(out, o.GetKey().GetOid())
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// TestRestartKeepsPlatformEntries: orchagent restarts (INIT_VIEW, replay,
// APPLY_VIEW): the orch rebuilds the same MY_MAC set, the platform keeps
// its objects (no remove and re-create), STATE_DB comes back, and no
// goroutine outlives the agent.
func TestRestartKeepsPlatformEntries(t *testing.T) {
	s := newStack(t, 512)
	s.base(10, 20, 30)
	before := goroutines()
	s.start(Options{})
	s.staticDomain(macD1, macC, "30", macD, "")
	want := entries(macC, []int{10, 20}, macD, []int{10, 20, 30}, macD1, []int{10, 20, 30})
	s.until("entries", func() bool { return same(s.platformEntries(), want) })
	oids := s.platformOIDs()
	if leakedSince(before) == "" {
		t.Fatal("the leak check sees no agent goroutine while the agent runs")
	}
	s.stop()
	deadline := time.Now().Add(10 * time.Second) // guards a hang only
	for {
		leaked := leakedSince(before)
		if leaked == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines outlive the agent:\n%s", leaked)
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.state.Client.Del(t.Context(), "VLT_PROXY_GW_TABLE|2")
	s.state.Client.HSet(t.Context(), "VLT_PROXY_GW_REMOTE_MAC_TABLE|2|00:01:e8:00:00:99", "source", "static", "state", "installed")
	s.start(Options{})
	s.until("STATE_DB rebuilt, stale row gone", func() bool {
		return s.stateRow("VLT_PROXY_GW_TABLE|2")["entries_installed"] == "8" &&
			len(s.stateRow("VLT_PROXY_GW_REMOTE_MAC_TABLE|2|00:01:e8:00:00:99")) == 0
	})
	if !same(s.platformEntries(), want) || !same(s.asicEntries(), want) {
		t.Fatalf("after restart\n%s", s.describe())
	}
	// A row of ours deleted behind the orch's back is written again.
	s.state.Client.Del(t.Context(), "VLT_PROXY_GW_REMOTE_MAC_TABLE|2|"+macC)
	s.until("row restored", func() bool {
		return s.stateRow("VLT_PROXY_GW_REMOTE_MAC_TABLE|2|" + macC)["vlans_installed"] == "10,20"
	})
	got := s.platformOIDs()
	if len(got) != len(oids) {
		t.Fatalf("platform objects %v → %v", oids, got)
	}
	for i := range got {
		if got[i] != oids[i] {
			t.Fatalf("the restart re-created platform objects: %v → %v", oids, got)
		}
	}
}

// goroutines counts the live goroutines by creator.
func goroutines() map[string]int {
	buf := make([]byte, 4<<20)
	out := map[string]int{}
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		out[creator(g)]++
	}
	return out
}

func creator(stack string) string {
	if i := strings.Index(stack, "created by "); i >= 0 {
		c := stack[i+len("created by "):]
		if j := strings.IndexAny(c, " \n"); j >= 0 {
			c = c[:j]
		}
		return c
	}
	return "main"
}

// leakedSince describes goroutines the agent left: any running orchagent
// code (but the test itself), and Redis subscription goroutines beyond
// those alive before it started. The platform's and syncd's gRPC
// goroutines come and go on their own and are not counted.
func leakedSince(before map[string]int) string {
	buf := make([]byte, 4<<20)
	var b strings.Builder
	now := map[string]int{}
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		now[creator(g)]++
		if strings.Contains(g, "vltgw/vltgw/orchagent") && !strings.Contains(g, "testing.tRunner") && !strings.Contains(g, "(*stack).startSyncd") {
			b.WriteString(g + "\n\n")
		}
	}
	for c, n := range now {
		if strings.Contains(c, "go-redis") && n > before[c] {
			fmt.Fprintf(&b, "%d goroutines created by %s, %d before the agent\n", n, c, before[c])
		}
	}
	return b.String()
}
