package lldpgw

import (
	"context"
	"fmt"
	"net"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/hal/halclient"
	"github.com/vltgw/vltgw/lab"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	vsv1 "github.com/vltgw/vltgw/proto/vs/v1"
	"github.com/vltgw/vltgw/swss"
)

// The daemons, built once per test binary (without -race: they are the
// processes under test, not code of this package).
var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

func daemons(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "lldpgw-bin-"); buildErr != nil {
			return
		}
		buildErr = lab.BuildDaemons(context.Background(), buildDir)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildDir
}

// node is one switch of the running lab as the test sees it.
type node struct {
	name              string
	domain            int
	cfg               *lab.SwitchConfig
	app, state, asic  *redis.Client
	config, counters  *redis.Client
	hal               *halclient.Client
	ctl               vsv1.VsControlClient
	closers           []func() error
	learnedKeyPattern string
}

func openNode(ctx context.Context, t *testing.T, l *lab.Lab, name string) *node {
	t.Helper()
	r, ok := l.Run(name)
	if !ok {
		t.Fatalf("lab has no switch %s", name)
	}
	s, _ := l.Topo.Switch(name)
	cfg, err := lab.LoadSwitchConfig(r.Config)
	if err != nil {
		t.Fatal(err)
	}
	n := &node{name: name, domain: s.Domain, cfg: cfg,
		learnedKeyPattern: fmt.Sprintf("VLT_PROXY_GW_LEARNED_MAC_TABLE:%d:*", s.Domain)}
	t.Cleanup(func() {
		for i := len(n.closers) - 1; i >= 0; i-- {
			n.closers[i]()
		}
	})
	for _, db := range []struct {
		c    **redis.Client
		name string
	}{{&n.app, swss.ApplDB}, {&n.state, swss.StateDB}, {&n.asic, swss.AsicDB}, {&n.config, swss.ConfigDB}, {&n.counters, swss.CountersDB}} {
		d, err := swss.ConnectSocket(ctx, r.RedisSocket, db.name)
		if err != nil {
			t.Fatal(err)
		}
		*db.c = d.Client
		n.closers = append(n.closers, d.Close)
	}
	if n.hal, err = halclient.Dial(ctx, halclient.Options{Address: r.HALSocket, Client: "lldpgw-test"}); err != nil {
		t.Fatalf("%s: HAL: %v", name, err)
	}
	n.closers = append(n.closers, n.hal.Close)
	ctl, closeCtl, err := l.Control(name)
	if err != nil {
		t.Fatal(err)
	}
	n.ctl = ctl
	n.closers = append(n.closers, closeCtl)
	return n
}

// platformMyMAC lists the MY_MAC objects the platform (vsd) holds.
func (n *node) platformMyMAC(ctx context.Context) (map[lab.MyMAC]bool, error) {
	objs, err := n.hal.List(ctx, halv1.ObjectType_OBJECT_TYPE_MY_MAC)
	if err != nil {
		return nil, err
	}
	out := map[lab.MyMAC]bool{}
	for _, o := range objs {
		var m lab.MyMAC
		for _, a := range o.GetAttrs() {
			switch a.GetId() {
			case "SAI_MY_MAC_ATTR_MAC_ADDRESS":
				m.MAC = net.HardwareAddr(a.GetMac()).String()
			case "SAI_MY_MAC_ATTR_VLAN_ID":
				switch v := a.GetValue().(type) {
				case *halv1.Attribute_U32:
					m.VLAN = int(v.U32)
				case *halv1.Attribute_S32:
					m.VLAN = int(v.S32)
				case *halv1.Attribute_U64:
					m.VLAN = int(v.U64)
				}
			}
		}
		out[m] = true
	}
	return out, nil
}

// asicMyMAC lists the MY_MAC objects of ASIC_DB.
func (n *node) asicMyMAC(ctx context.Context) (map[lab.MyMAC]bool, error) {
	return lab.InstalledMyMAC(ctx, n.asic)
}

func scanKeys(ctx context.Context, c *redis.Client, pattern string) ([]string, error) {
	var keys []string
	it := c.Scan(ctx, 0, pattern, 512).Iterator()
	for it.Next(ctx) {
		keys = append(keys, it.Val())
	}
	sort.Strings(keys)
	return keys, it.Err()
}

// learned returns the MACs of APP_DB VLT_PROXY_GW_LEARNED_MAC_TABLE (the
// rows pgwlldpd published, staged or consumed) with their fields.
func (n *node) learned(ctx context.Context) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, p := range []string{n.learnedKeyPattern, "_" + n.learnedKeyPattern} {
		keys, err := scanKeys(ctx, n.app, p)
		if err != nil {
			return nil, err
		}
		prefix := strings.TrimSuffix(p, "*")
		for _, k := range keys {
			f, err := n.app.HGetAll(ctx, k).Result()
			if err != nil {
				return nil, err
			}
			out[strings.TrimPrefix(k, prefix)] = f
		}
	}
	return out, nil
}

// neighbors returns STATE_DB VLT_PROXY_GW_NEIGHBOR_TABLE: key (without the
// table) → fields.
func (n *node) neighbors(ctx context.Context) (map[string]map[string]string, error) {
	keys, err := scanKeys(ctx, n.state, "VLT_PROXY_GW_NEIGHBOR_TABLE|*")
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]string{}
	for _, k := range keys {
		f, err := n.state.HGetAll(ctx, k).Result()
		if err != nil {
			return nil, err
		}
		out[strings.TrimPrefix(k, "VLT_PROXY_GW_NEIGHBOR_TABLE|")] = f
	}
	return out, nil
}

// desired is the MY_MAC set the switch should hold with remote the MACs
// learned over LLDP (spec §4, through lab.ExpectedMyMAC: each remote MAC on
// the L3 VLANs outside the peer-domain link's excluded ones, plus the VLT
// peer's MAC on every L3 VLAN with peer routing).
func (n *node) desired(remote ...string) map[lab.MyMAC]bool {
	excl := n.cfg.ProxyGateway().Exclude
	m := map[string][]int{}
	for _, r := range remote {
		m[r] = excl
	}
	return lab.ExpectedMyMAC(n.cfg, m)
}

func sameSet[K comparable](a, b map[K]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func setString(s map[lab.MyMAC]bool) string {
	var out []string
	for m := range s {
		out = append(out, m.String())
	}
	sort.Strings(out)
	return "{" + strings.Join(out, " ") + "}"
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// poll calls cond every millisecond until it holds and returns the time
// since start; on ctx's end it fails the test with cond's last detail.
func poll(ctx context.Context, t *testing.T, start time.Time, what string, cond func() (bool, string, error)) time.Duration {
	t.Helper()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		ok, detail, err := cond()
		if err == nil && ok {
			return time.Since(start)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: not reached after %s: %s (err %v)", what, time.Since(start).Round(time.Millisecond), detail, err)
		case <-tick.C:
		}
	}
}

// platformIs polls until the platform's MY_MAC set is want and returns the
// time since start.
func (n *node) platformIs(ctx context.Context, t *testing.T, start time.Time, want map[lab.MyMAC]bool) time.Duration {
	t.Helper()
	return poll(ctx, t, start, n.name+" platform MY_MAC = "+setString(want), func() (bool, string, error) {
		have, err := n.platformMyMAC(ctx)
		return sameSet(have, want), "platform holds " + setString(have), err
	})
}
