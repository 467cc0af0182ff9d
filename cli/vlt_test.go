package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/lldp/daemon"
	"github.com/vltgw/vltgw/orchagent/pgworch"
	"github.com/vltgw/vltgw/swss/redistest"
)

// runVlt runs the CLI with the builtin and VLT commands against the test
// redis and returns stdout, stderr and the exit status.
func runVlt(t *testing.T, sock string, args ...string) (string, string, int) {
	t.Helper()
	app := New("vltgw")
	if err := Builtin(app); err != nil {
		t.Fatal(err)
	}
	if err := Vlt(app); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := app.Run(context.Background(), append([]string{"--socket", sock}, args...), &out, &errb)
	return out.String(), errb.String(), code
}

// okVlt runs a command that must succeed and returns its stdout.
func okVlt(t *testing.T, sock string, args ...string) string {
	t.Helper()
	out, errs, code := runVlt(t, sock, args...)
	if code != 0 {
		t.Fatalf("vltgw %s: exit %d: %s", strings.Join(args, " "), code, errs)
	}
	return out
}

// refused runs a command that must fail with exit status code and a
// message holding every part.
func refused(t *testing.T, sock string, code int, parts []string, args ...string) {
	t.Helper()
	_, errs, got := runVlt(t, sock, args...)
	if got != code {
		t.Fatalf("vltgw %s: exit %d (%s), want %d", strings.Join(args, " "), got, errs, code)
	}
	for _, p := range parts {
		if !strings.Contains(errs, p) {
			t.Fatalf("vltgw %s: message %q lacks %q", strings.Join(args, " "), errs, p)
		}
	}
}

func dbClient(t *testing.T, sock string, id int) *redis.Client {
	c := redis.NewClient(&redis.Options{Network: "unix", Addr: sock, DB: id})
	t.Cleanup(func() { c.Close() })
	return c
}

func TestVltTableNamesMatchTheirWriters(t *testing.T) {
	for got, want := range map[string]string{
		stateNeighborTable:             daemon.StateNeighborTable,
		countersLLDPTable:              daemon.CountersTable,
		statePeerTable:                 pgworch.StatePeerTable,
		stateProxyGWTable:              pgworch.StateProxyGWTable,
		stateRemoteMACTable:            pgworch.StateRemoteMACTable,
		myMACCounter.key:               pgworch.StateCRMTable + "|" + pgworch.CRMKey,
		peerLinkSource("PortChannel7"): pgworch.PeerLinkSource("PortChannel7"),
		statePeerTable + " source":     pgworch.PeerSourcePeerTable + " source",
	} {
		if got != want {
			t.Errorf("the CLI reads %q where the daemon writes %q", got, want)
		}
	}
}

// seedVlt writes the reference scenario's domain 1 (lldp mode) and a
// static domain 2, with what the orch and pgwlldpd report.
func seedVlt(t *testing.T, sock string) {
	ctx := context.Background()
	cfg, state, counters := dbClient(t, sock, 4), dbClient(t, sock, 6), dbClient(t, sock, 2)
	for k, f := range map[string][]string{
		"DEVICE_METADATA|localhost":                        {"mac", "00:01:e8:00:00:0c"},
		"VLT_DOMAIN|1":                                     {"peer_link", "PortChannel1", "peer_routing", "true", "peer_routing_timeout", "300", "peer_mac", "00:01:e8:00:00:0d"},
		"VLT_INTERFACE|1|PortChannel100":                   {"NULL", "NULL"},
		"VLT_INTERFACE|1|PortChannel20":                    {"NULL", "NULL"},
		"VLT_PROXY_GATEWAY|1":                              {"mode", "lldp", "vlt_peer_mac_transmit", "true"},
		"VLT_PROXY_GATEWAY_PEER_LINK|1|PortChannel100":     {"exclude_vlans", "30"},
		"VLT_DOMAIN|2":                                     {"peer_link", "PortChannel2", "peer_routing", "false"},
		"VLT_PROXY_GATEWAY|2":                              {"mode", "static"},
		"VLT_PROXY_GATEWAY_REMOTE_MAC|2|00:01:E8:00:02:0C": {"exclude_vlans", "30,40-42"},
		"VLT_PROXY_GATEWAY_REMOTE_MAC|2|00:01:e8:00:02:0d": {"NULL", "NULL"},
	} {
		cfg.HSet(ctx, k, f)
	}
	for k, f := range map[string][]string{
		"VLT_PEER_TABLE|1":     {"peer_mac", "00:01:e8:00:00:0e", "oper_status", "up"},
		"VLT_PROXY_GW_TABLE|1": {"oper_status", "up", "mode", "lldp", "error", "", "entries_installed", "4", "entries_failed", "1"},
		"VLT_PROXY_GW_REMOTE_MAC_TABLE|1|00:01:e8:00:01:0c":                {"source", "lldp", "learned_on", "Ethernet8,Ethernet12", "neighbor", "00:01:e8:00:01:0c", "expires_in", "97", "vlans_installed", "10,20", "state", "installed", "error", ""},
		"VLT_PROXY_GW_REMOTE_MAC_TABLE|1|00:01:e8:00:01:0d":                {"source", "lldp", "learned_on", "Ethernet8", "neighbor", "00:01:e8:00:01:0d", "expires_in", "100", "vlans_installed", "10", "state", "partial", "error", "VLAN 20: table full"},
		"VLT_PROXY_GW_TABLE|2":                                             {"oper_status", "up", "mode", "static", "entries_installed", "2", "entries_failed", "0"},
		"VLT_PROXY_GW_REMOTE_MAC_TABLE|2|00:01:e8:00:02:0c":                {"source", "static", "learned_on", "", "expires_in", "", "vlans_installed", "10,20", "state", "installed"},
		"CFG_ERROR_TABLE|VLT_PROXY_GATEWAY_REMOTE_MAC|2|00:01:e8:00:02:0d": {"field", "mac", "reason", "00:01:e8:00:02:0d is the VLT peer's MAC (peer routing covers it)"},
		"CRM_TABLE|my_mac": {"used", "6", "available", "506", "failed", "1", "capacity", "512", "capacity_source", "configured"},
		"VLT_PROXY_GW_NEIGHBOR_TABLE|Ethernet8|00:01:e8:00:01:0c": {"port_id", "Ethernet8", "ttl", "120", "last_rx", "2026-12-02T15:00:00Z", "expires_in", "97",
			"system_name", "C1", "macs", "00:01:e8:00:01:0c,00:01:e8:00:01:0d", "domain", "1"},
		"VLT_PROXY_GW_NEIGHBOR_TABLE|Ethernet12|00:01:e8:00:01:0d": {"port_id", "Ethernet12", "ttl", "120", "last_rx", "2026-12-02T15:00:03Z", "expires_in", "100",
			"system_name", "D1", "macs", "00:01:e8:00:01:0d", "domain", "1"},
	} {
		state.HSet(ctx, k, f)
	}
	counters.HSet(ctx, "VLT_PROXY_GW_LLDP_COUNTERS:Ethernet8", "tx", "10", "rx", "9", "malformed", "1", "ignored", "0", "invalid_macs", "2")
	counters.HSet(ctx, "VLT_PROXY_GW_LLDP_COUNTERS:Ethernet12", "tx", "11", "rx", "7", "malformed", "0", "ignored", "3", "invalid_macs", "0")
}

func TestShowVltBrief(t *testing.T) {
	sock := redistest.Start(t).Socket
	if got := okVlt(t, sock, "show", "vlt", "brief"); got != "No VLT domain configured\n" {
		t.Fatalf("empty: %q", got)
	}
	seedVlt(t, sock)
	state := dbClient(t, sock, 6)
	ctx := context.Background()
	state.HSet(ctx, "ORCH_ERROR_TABLE|VLT_INTERFACE_TABLE:1:PortChannel20", "status", "pending", "reason", "VLT port-channel PortChannel20 has no bridge port yet (it is in no VLAN)")
	state.HSet(ctx, "ORCH_ERROR_TABLE|VLT_DOMAIN_TABLE:2", "status", "pending", "reason", "peer link PortChannel2 has no bridge port yet (it is in no VLAN)")
	state.HSet(ctx, "ORCH_ERROR_TABLE|VLT_PROXY_GW_TABLE:2", "status", "SAI_STATUS_FAILURE", "reason", "test")
	state.HSet(ctx, "ORCH_ERROR_TABLE|VLT_DOMAIN_TABLE:12", "status", "pending", "reason", "another domain")
	state.HSet(ctx, "ORCH_ERROR_TABLE|ROUTE_TABLE:10.0.0.0/8", "status", "pending", "reason", "not VLT")
	want := "" +
		"Domain ID             : 1\n" +
		"Peer Link             : PortChannel1\n" +
		"Peer MAC              : 00:01:e8:00:00:0e (VLT_PEER_TABLE)\n" +
		"Peer Status           : up (VLT_PEER_TABLE)\n" +
		"Peer Routing          : enabled, timeout 300 s\n" +
		"VLT Port-Channels     : PortChannel20, PortChannel100\n" +
		"Proxy Gateway         : lldp, oper up\n" +
		"Not Applied           : VLT_INTERFACE_TABLE:1:PortChannel20: pending: VLT port-channel PortChannel20 has no bridge port yet (it is in no VLAN)\n" +
		"\n" +
		"Domain ID             : 2\n" +
		"Peer Link             : PortChannel2\n" +
		"Peer MAC              : none\n" +
		"Peer Status           : unknown\n" +
		"Peer Routing          : disabled\n" +
		"VLT Port-Channels     : none\n" +
		"Proxy Gateway         : static, oper up\n" +
		"Not Applied           : VLT_DOMAIN_TABLE:2: pending: peer link PortChannel2 has no bridge port yet (it is in no VLAN)\n" +
		"                      : VLT_PROXY_GW_TABLE:2: SAI_STATUS_FAILURE: test\n"
	if got := okVlt(t, sock, "show", "vlt", "brief"); got != want {
		t.Fatalf("show vlt brief:\n%s\nwant:\n%s", got, want)
	}
	var ds []VltDomain
	if err := json.Unmarshal([]byte(okVlt(t, sock, "show", "vlt", "brief", "-o", "json")), &ds); err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].PeerMAC != "00:01:e8:00:00:0e" || ds[0].PeerMACSource != "state" || ds[0].PeerRoutingTimeout != 300 ||
		!ds[0].PeerRouting || len(ds[0].VltPortChannels) != 2 || ds[0].ProxyGateway.Mode != "lldp" || ds[1].PeerStatus != "unknown" ||
		ds[0].PeerStatusSource != "VLT_PEER_TABLE" || ds[1].PeerStatusSource != "" || ds[0].PeerRoutingExpiresIn != nil ||
		len(ds[1].VltPortChannels) != 0 || len(ds[0].OrchErrors) != 1 || len(ds[1].OrchErrors) != 2 {
		t.Fatalf("json: %+v", ds)
	}
	// Without the VLT daemon's row the configured peer MAC shows.
	state.Del(ctx, "VLT_PEER_TABLE|1")
	if got := okVlt(t, sock, "show", "vlt", "brief"); !strings.Contains(got, "Peer MAC              : 00:01:e8:00:00:0d (configured)\nPeer Status           : unknown\n") {
		t.Fatalf("configured peer MAC:\n%s", got)
	}
}

// TestShowVltBriefDerivedPeerStatus: without a VLT_PEER_TABLE status, the
// peer status the proxy-gateway orch derived from the peer link (its
// VLT_PROXY_GW_TABLE row) shows with its source and the time left before
// peer routing stops; a domain without a proxy gateway shows its peer
// link's oper status (STATE_DB LAG_TABLE); a VLT_PEER_TABLE status wins.
func TestShowVltBriefDerivedPeerStatus(t *testing.T) {
	sock := redistest.Start(t).Socket
	seedVlt(t, sock)
	now := time.Date(2026, 12, 2, 16, 0, 0, 0, time.UTC)
	vltNow = func() time.Time { return now }
	t.Cleanup(func() { vltNow = time.Now })
	ctx := context.Background()
	cfg, state := dbClient(t, sock, 4), dbClient(t, sock, 6)
	state.Del(ctx, "VLT_PEER_TABLE|1")
	state.HSet(ctx, "VLT_PROXY_GW_TABLE|1", "peer_status", "down", "peer_status_source", "peer-link PortChannel1 oper status",
		"peer_routing_expires_in", "300", "peer_routing_expires_at", now.Add(42*time.Second).Format(time.RFC3339))
	state.HSet(ctx, "LAG_TABLE|PortChannel1", "oper_status", "up") // the orch's row wins
	// Domain 3: peer routing without a proxy gateway.
	cfg.HSet(ctx, "VLT_DOMAIN|3", "peer_link", "PortChannel3", "peer_routing", "true", "peer_routing_timeout", "0")
	state.HSet(ctx, "LAG_TABLE|PortChannel3", "oper_status", "down")
	got := okVlt(t, sock, "show", "vlt", "brief")
	for _, want := range []string{
		"Domain ID             : 1\nPeer Link             : PortChannel1\nPeer MAC              : 00:01:e8:00:00:0d (configured)\n" +
			"Peer Status           : down (peer-link PortChannel1 oper status)\n" +
			"Peer Routing          : enabled, timeout 300 s, peer down: ends in 42 s\n",
		"Domain ID             : 2\nPeer Link             : PortChannel2\nPeer MAC              : none\nPeer Status           : unknown\n",
		"Domain ID             : 3\nPeer Link             : PortChannel3\nPeer MAC              : none\n" +
			"Peer Status           : down (peer-link PortChannel3 oper status)\n" +
			"Peer Routing          : enabled, timeout 0 (keep forever)\n",
	} {
		if !strings.Contains(got, want) {
			t.Fatalf("show vlt brief:\n%s\nlacks:\n%s", got, want)
		}
	}
	var ds []VltDomain
	if err := json.Unmarshal([]byte(okVlt(t, sock, "show", "vlt", "brief", "-o", "json")), &ds); err != nil {
		t.Fatal(err)
	}
	if len(ds) != 3 || ds[0].PeerStatus != "down" || ds[0].PeerStatusSource != "peer-link PortChannel1 oper status" ||
		ds[0].PeerRoutingExpiresIn == nil || *ds[0].PeerRoutingExpiresIn != 42 || ds[2].PeerStatusSource != "peer-link PortChannel3 oper status" {
		t.Fatalf("json: %+v", ds)
	}
	// The deadline passed (the orch rewrites its row next round): 0, not
	// negative; without expires_at the recorded seconds show.
	now = now.Add(time.Minute)
	if got := okVlt(t, sock, "show", "vlt", "brief"); !strings.Contains(got, "peer down: ends in 0 s\n") {
		t.Fatalf("past deadline:\n%s", got)
	}
	state.HSet(ctx, "VLT_PROXY_GW_TABLE|1", "peer_routing_expires_at", "")
	if got := okVlt(t, sock, "show", "vlt", "brief"); !strings.Contains(got, "peer down: ends in 300 s\n") {
		t.Fatalf("expires_in only:\n%s", got)
	}
	// The peer up again: no timer; the orch's "none" source is not shown.
	state.HSet(ctx, "VLT_PROXY_GW_TABLE|1", "peer_status", "unknown", "peer_status_source", "none", "peer_routing_expires_in", "")
	if got := okVlt(t, sock, "show", "vlt", "brief"); !strings.Contains(got, "Peer Status           : unknown\nPeer Routing          : enabled, timeout 300 s\n") {
		t.Fatalf("unknown:\n%s", got)
	}
	// VLT_PEER_TABLE's status wins over both.
	state.HSet(ctx, "VLT_PEER_TABLE|3", "oper_status", "up")
	if got := okVlt(t, sock, "show", "vlt", "brief"); !strings.Contains(got, "Peer Status           : up (VLT_PEER_TABLE)\nPeer Routing          : enabled, timeout 0 (keep forever)\n") {
		t.Fatalf("VLT_PEER_TABLE over LAG_TABLE:\n%s", got)
	}
}

func TestShowVltProxyGateway(t *testing.T) {
	sock := redistest.Start(t).Socket
	if got := okVlt(t, sock, "show", "vlt", "proxy-gateway"); got != "No proxy gateway configured\n\nMY_MAC table: N/A\n" {
		t.Fatalf("empty: %q", got)
	}
	seedVlt(t, sock)
	want := "" +
		"VLT Domain            : 1\n" +
		"Mode                  : lldp\n" +
		"Oper Status           : up\n" +
		"Peer-Domain Link      : PortChannel100 (excluded VLANs 30)\n" +
		"VLT Peer MAC Transmit : enabled\n" +
		"Entries               : 4 installed, 1 failed\n" +
		"\n" +
		"              MAC  Source            Learned On  Excluded VLANs  Installed VLANs                         State  Expires\n" +
		"-----------------  ------  --------------------  --------------  ---------------  ----------------------------  -------\n" +
		"00:01:e8:00:01:0c    lldp  Ethernet8,Ethernet12              30            10,20                     installed      97s\n" +
		"00:01:e8:00:01:0d    lldp             Ethernet8              30               10  partial: VLAN 20: table full     100s\n" +
		"\n" +
		"VLT Domain            : 2\n" +
		"Mode                  : static\n" +
		"Oper Status           : up\n" +
		"Peer-Domain Link      : none\n" +
		"VLT Peer MAC Transmit : disabled\n" +
		"Entries               : 2 installed, 0 failed\n" +
		"\n" +
		"              MAC  Source  Learned On  Excluded VLANs  Installed VLANs                                                                            State  Expires\n" +
		"-----------------  ------  ----------  --------------  ---------------  -------------------------------------------------------------------------------  -------\n" +
		"00:01:e8:00:02:0c  static           -        30,40-42            10,20                                                                        installed        -\n" +
		"00:01:e8:00:02:0d  static           -               -                -  rejected: mac: 00:01:e8:00:02:0d is the VLT peer's MAC (peer routing covers it)        -\n" +
		"\n" +
		"MY_MAC table: 6 used, 506 available, 1 failed (capacity 512, configured)\n"
	if got := okVlt(t, sock, "show", "vlt", "proxy-gateway"); got != want {
		t.Fatalf("show vlt proxy-gateway:\n%s\nwant:\n%s", got, want)
	}
	var rep ProxyGatewayReport
	if err := json.Unmarshal([]byte(okVlt(t, sock, "-o", "json", "show", "vlt", "proxy-gateway")), &rep); err != nil {
		t.Fatal(err)
	}
	d1 := rep.Domains[0]
	if len(rep.Domains) != 2 || rep.MyMAC == nil || rep.MyMAC.Used != 6 || *rep.MyMAC.Available != 506 || rep.MyMAC.Failed != 1 || *rep.MyMAC.Capacity != 512 ||
		d1.Mode != "lldp" || d1.PeerDomainLink != "PortChannel100" || d1.PeerLinkExclude != "30" || !d1.VltPeerMACTransmit ||
		d1.EntriesInstalled != 4 || d1.EntriesFailed != 1 || len(d1.RemoteMACs) != 2 ||
		strings.Join(d1.RemoteMACs[0].LearnedOn, " ") != "Ethernet8 Ethernet12" || d1.RemoteMACs[1].State != "partial" ||
		d1.RemoteMACs[1].Error != "VLAN 20: table full" || d1.RemoteMACs[0].ExpiresIn != "97" ||
		rep.Domains[1].RemoteMACs[1].State != "rejected" || rep.Domains[1].RemoteMACs[0].ExcludedVlans != "30,40-42" {
		t.Fatalf("json: %+v", rep)
	}

	neigh := "" +
		"Local Port         Chassis ID     Port ID  System Name  Domain  TTL  Expires               MACs\n" +
		"----------  -----------------  ----------  -----------  ------  ---  -------  -----------------\n" +
		" Ethernet8  00:01:e8:00:01:0c   Ethernet8           C1       1  120      97s  00:01:e8:00:01:0c\n" +
		"                                                                              00:01:e8:00:01:0d\n" +
		"Ethernet12  00:01:e8:00:01:0d  Ethernet12           D1       1  120     100s  00:01:e8:00:01:0d\n"
	if got := okVlt(t, sock, "show", "vlt", "proxy-gateway", "lldp", "neighbors"); got != neigh {
		t.Fatalf("lldp neighbors:\n%s\nwant:\n%s", got, neigh)
	}
	var ns []LLDPNeighbor
	if err := json.Unmarshal([]byte(okVlt(t, sock, "show", "vlt", "proxy-gateway", "lldp", "neighbors", "-o", "json")), &ns); err != nil ||
		len(ns) != 2 || ns[0].TTL != 120 || len(ns[0].MACs) != 2 || ns[1].SystemName != "D1" || ns[0].LastRx != "2026-12-02T15:00:00Z" {
		t.Fatalf("neighbors json %+v %v", ns, err)
	}
	counters := "" +
		"      Port  TX  RX  Malformed  Ignored  Invalid MACs\n" +
		"----------  --  --  ---------  -------  ------------\n" +
		" Ethernet8  10   9          1        0             2\n" +
		"Ethernet12  11   7          0        3             0\n"
	if got := okVlt(t, sock, "show", "vlt", "proxy-gateway", "lldp", "counters"); got != counters {
		t.Fatalf("lldp counters:\n%s\nwant:\n%s", got, counters)
	}
	var cs []LLDPCounters
	if err := json.Unmarshal([]byte(okVlt(t, sock, "show", "vlt", "proxy-gateway", "lldp", "counters", "-o", "json")), &cs); err != nil ||
		len(cs) != 2 || cs[0] != (LLDPCounters{Port: "Ethernet8", Tx: 10, Rx: 9, Malformed: 1, InvalidMACs: 2}) {
		t.Fatalf("counters json %+v %v", cs, err)
	}
	refused(t, sock, 2, []string{"lldp neighbors|lldp counters"}, "show", "vlt", "proxy-gateway", "lldp")
	// Before the platform's capacity is known.
	state := dbClient(t, sock, 6)
	state.Del(context.Background(), "CRM_TABLE|my_mac")
	state.HSet(context.Background(), "CRM_TABLE|my_mac", "used", "6", "failed", "0", "capacity_source", "unknown")
	if got := okVlt(t, sock, "show", "vlt", "proxy-gateway"); !strings.HasSuffix(got, "\nMY_MAC table: 6 used, available unknown, 0 failed (capacity unknown)\n") {
		t.Fatalf("unknown capacity:\n%s", got)
	}
	if err := json.Unmarshal([]byte(okVlt(t, sock, "-o", "json", "show", "vlt", "proxy-gateway")), &rep); err != nil || rep.MyMAC.Available != nil || rep.MyMAC.Used != 6 {
		t.Fatalf("json %+v %v", rep.MyMAC, err)
	}
}

func TestConfigVlt(t *testing.T) {
	sock := redistest.Start(t).Socket
	ctx := context.Background()
	cfg := dbClient(t, sock, 4)
	row := func(key string) map[string]string { return cfg.HGetAll(ctx, key).Val() }
	cfg.HSet(ctx, "DEVICE_METADATA|localhost", "mac", "00:01:e8:00:00:0c")
	// A row cfgmgrd already rejects does not block unrelated commands.
	cfg.HSet(ctx, "VLT_DOMAIN|2000", "peer_link", "PortChannel9")

	refused(t, sock, 1, []string{"rejected", "VLT_PROXY_GATEWAY|1: VLT domain 1 is not configured"},
		"config", "vlt", "proxy-gateway", "add", "1", "--mode", "static")
	refused(t, sock, 1, []string{`VLT_DOMAIN|1: field peer_routing_timeout: "70000" is not a number of seconds 0-65535`},
		"config", "vlt", "domain", "add", "1", "--peer-link", "PortChannel1", "--peer-routing-timeout", "70000")
	refused(t, sock, 1, []string{"VLT_DOMAIN|1: field peer_link:", "PortChannelN"}, "config", "vlt", "domain", "add", "1", "--peer-link", "Ethernet4")
	refused(t, sock, 1, []string{"VLT_DOMAIN|1: field peer_mac: it is this switch's own MAC"},
		"config", "vlt", "domain", "add", "1", "--peer-link", "PortChannel1", "--peer-mac", "00:01:e8:00:00:0c")
	refused(t, sock, 2, []string{"--peer-link is required"}, "config", "vlt", "domain", "add", "1")
	if n := cfg.Exists(ctx, "VLT_DOMAIN|1", "VLT_PROXY_GATEWAY|1").Val(); n != 0 {
		t.Fatalf("a refused command wrote %d rows", n)
	}

	okVlt(t, sock, "config", "vlt", "domain", "add", "1", "--peer-link", "PortChannel1", "--peer-mac", "00:01:E8:00:00:0D", "--peer-routing-timeout", "300")
	if r := row("VLT_DOMAIN|1"); len(r) != 4 || r["peer_link"] != "PortChannel1" || r["peer_routing"] != "false" || r["peer_routing_timeout"] != "300" || r["peer_mac"] != "00:01:e8:00:00:0d" {
		t.Fatalf("VLT_DOMAIN|1 %v", r)
	}
	// Rule 5: the proxy gateway needs peer routing.
	refused(t, sock, 1, []string{"VLT_PROXY_GATEWAY|1: field peer_routing: proxy gateway needs peer_routing=true on VLT_DOMAIN|1"},
		"config", "vlt", "proxy-gateway", "add", "1", "--mode", "static")
	// add replaces the row: the timeout goes back to its default.
	okVlt(t, sock, "config", "vlt", "domain", "add", "1", "--peer-link", "PortChannel1", "--peer-routing", "--peer-mac", "00:01:e8:00:00:0d")
	if r := row("VLT_DOMAIN|1"); r["peer_routing"] != "true" || r["peer_routing_timeout"] != "" {
		t.Fatalf("VLT_DOMAIN|1 replaced: %v", r)
	}
	okVlt(t, sock, "config", "vlt", "interface", "add", "1", "PortChannel100")
	if r := row("VLT_INTERFACE|1|PortChannel100"); r["NULL"] != "NULL" {
		t.Fatalf("VLT_INTERFACE row %v", r)
	}
	refused(t, sock, 1, []string{"VLT_INTERFACE|3|PortChannel100: VLT domain 3 is not configured"}, "config", "vlt", "interface", "add", "3", "PortChannel100")

	// Static mode.
	okVlt(t, sock, "config", "vlt", "proxy-gateway", "add", "1", "--mode", "static")
	refused(t, sock, 1, []string{"VLT_PROXY_GATEWAY|1: field vlt_peer_mac_transmit: only valid in lldp mode"},
		"config", "vlt", "proxy-gateway", "add", "1", "--mode", "static", "--vlt-peer-mac-transmit")
	refused(t, sock, 1, []string{"VLT_PROXY_GATEWAY|1: field mode:", "is not lldp or static"}, "config", "vlt", "proxy-gateway", "add", "1", "--mode", "bgp")
	// Rule 1: a peer-domain link is lldp-mode configuration.
	refused(t, sock, 1, []string{"VLT_PROXY_GATEWAY_PEER_LINK|1|PortChannel100: domain 1 proxy gateway is in static mode"},
		"config", "vlt", "proxy-gateway", "peer-link", "add", "1", "PortChannel100")
	js := okVlt(t, sock, "-o", "json", "config", "vlt", "proxy-gateway", "remote-mac", "add", "1", "00:01:E8:00:01:0C", "--exclude-vlans", "30")
	if r := row("VLT_PROXY_GATEWAY_REMOTE_MAC|1|00:01:e8:00:01:0c"); r["exclude_vlans"] != "30" || len(r) != 1 {
		t.Fatalf("remote MAC row %v", r)
	}
	var written struct {
		Op, Key string
		Fields  map[string]string
	}
	if err := json.Unmarshal([]byte(js), &written); err != nil || written.Op != "set" || written.Key != "VLT_PROXY_GATEWAY_REMOTE_MAC|1|00:01:e8:00:01:0c" {
		t.Fatalf("json %q: %+v %v", js, written, err)
	}
	// Rule 3: bad MACs; rule 4: bad VLAN lists.
	refused(t, sock, 1, []string{"VLT_PROXY_GATEWAY_REMOTE_MAC|1|01:00:5e:00:00:01: field mac: multicast MAC"},
		"config", "vlt", "proxy-gateway", "remote-mac", "add", "1", "01:00:5e:00:00:01")
	refused(t, sock, 1, []string{"field mac: 00:01:e8:00:00:0d is the VLT peer's MAC"}, "config", "vlt", "proxy-gateway", "remote-mac", "add", "1", "00:01:e8:00:00:0d")
	refused(t, sock, 1, []string{"field mac: 00:01:e8:00:00:0c is this switch's own MAC"}, "config", "vlt", "proxy-gateway", "remote-mac", "add", "1", "00:01:e8:00:00:0c")
	refused(t, sock, 1, []string{"VLT_PROXY_GATEWAY_REMOTE_MAC|1|zz: field mac:"}, "config", "vlt", "proxy-gateway", "remote-mac", "add", "1", "zz")
	refused(t, sock, 1, []string{"VLT_PROXY_GATEWAY_REMOTE_MAC|1|00:01:e8:00:01:0d: field exclude_vlans:", "4095"},
		"config", "vlt", "proxy-gateway", "remote-mac", "add", "1", "00:01:e8:00:01:0d", "--exclude-vlans", "10,4095")
	// Switching to lldp is refused while static rows exist (rule 1): the
	// mode change itself is named, and static mode stays.
	refused(t, sock, 1, []string{"VLT_PROXY_GATEWAY|1: field mode: cannot switch domain 1 from static to lldp mode while VLT_PROXY_GATEWAY_REMOTE_MAC|1|* rows remain"},
		"config", "vlt", "proxy-gateway", "add", "1", "--mode", "lldp")
	if r := row("VLT_PROXY_GATEWAY|1"); r["mode"] != "static" {
		t.Fatalf("refused mode switch written: VLT_PROXY_GATEWAY|1 %v", r)
	}
	refused(t, sock, 1, []string{"VLT_PROXY_GATEWAY_REMOTE_MAC|1|00:01:e8:00:01:0c: domain 1 has no accepted proxy gateway"},
		"config", "vlt", "proxy-gateway", "del", "1")
	okVlt(t, sock, "config", "vlt", "proxy-gateway", "remote-mac", "del", "1", "00-01-E8-00-01-0C")
	if n := cfg.Exists(ctx, "VLT_PROXY_GATEWAY_REMOTE_MAC|1|00:01:e8:00:01:0c").Val(); n != 0 {
		t.Fatal("remote MAC not deleted")
	}
	refused(t, sock, 1, []string{"VLT_PROXY_GATEWAY_REMOTE_MAC|1|00:01:e8:00:01:0c: no such row"}, "config", "vlt", "proxy-gateway", "remote-mac", "del", "1", "00:01:e8:00:01:0c")
	// A row stored in another notation (config load) is found too.
	cfg.HSet(ctx, "VLT_PROXY_GATEWAY_REMOTE_MAC|1|00:01:E8:00:01:0E", "exclude_vlans", "")
	okVlt(t, sock, "config", "vlt", "proxy-gateway", "remote-mac", "del", "1", "00:01:E8:00:01:0E")
	if n := cfg.Exists(ctx, "VLT_PROXY_GATEWAY_REMOTE_MAC|1|00:01:E8:00:01:0E").Val(); n != 0 {
		t.Fatal("upper-case remote MAC row not deleted")
	}

	// lldp mode.
	okVlt(t, sock, "config", "vlt", "proxy-gateway", "add", "1", "--mode", "lldp", "--vlt-peer-mac-transmit")
	if r := row("VLT_PROXY_GATEWAY|1"); r["mode"] != "lldp" || r["vlt_peer_mac_transmit"] != "true" {
		t.Fatalf("VLT_PROXY_GATEWAY|1 %v", r)
	}
	refused(t, sock, 1, []string{"VLT_PROXY_GATEWAY_REMOTE_MAC|1|00:01:e8:00:01:0c: domain 1 proxy gateway is in lldp mode"},
		"config", "vlt", "proxy-gateway", "remote-mac", "add", "1", "00:01:e8:00:01:0c")
	// Rule 2: not a VLT LAG; a second peer-domain link.
	refused(t, sock, 1, []string{"VLT_PROXY_GATEWAY_PEER_LINK|1|PortChannel200: PortChannel200 is not a VLT LAG of domain 1"},
		"config", "vlt", "proxy-gateway", "peer-link", "add", "1", "PortChannel200")
	refused(t, sock, 1, []string{"VLT_PROXY_GATEWAY_PEER_LINK|1|PortChannel100: field exclude_vlans:"},
		"config", "vlt", "proxy-gateway", "peer-link", "add", "1", "PortChannel100", "--exclude-vlans", "30-20")
	okVlt(t, sock, "config", "vlt", "proxy-gateway", "peer-link", "add", "1", "PortChannel100", "--exclude-vlans", "30,40-50")
	if r := row("VLT_PROXY_GATEWAY_PEER_LINK|1|PortChannel100"); r["exclude_vlans"] != "30,40-50" {
		t.Fatalf("peer link row %v", r)
	}
	okVlt(t, sock, "config", "vlt", "interface", "add", "1", "PortChannel101")
	refused(t, sock, 1, []string{"VLT_PROXY_GATEWAY_PEER_LINK|1|PortChannel101: domain 1 already has peer-domain link PortChannel100"},
		"config", "vlt", "proxy-gateway", "peer-link", "add", "1", "PortChannel101")
	// Rule 6: the peer-domain link keeps its VLT marking.
	refused(t, sock, 1, []string{"VLT_INTERFACE|1|PortChannel100: cannot remove the VLT marking of PortChannel100"},
		"config", "vlt", "interface", "del", "1", "PortChannel100")
	refused(t, sock, 1, []string{"VLT_INTERFACE|1|PortChannel100: VLT domain 1 is not configured"}, "config", "vlt", "domain", "del", "1")
	okVlt(t, sock, "config", "vlt", "interface", "del", "1", "PortChannel101")
	okVlt(t, sock, "config", "vlt", "proxy-gateway", "peer-link", "del", "1", "PortChannel100")
	okVlt(t, sock, "config", "vlt", "interface", "del", "1", "PortChannel100")
	if n := cfg.Exists(ctx, "VLT_INTERFACE|1|PortChannel100", "VLT_INTERFACE|1|PortChannel101", "VLT_PROXY_GATEWAY_PEER_LINK|1|PortChannel100").Val(); n != 0 {
		t.Fatalf("%d rows left", n)
	}
	okVlt(t, sock, "config", "vlt", "proxy-gateway", "del", "1")
	okVlt(t, sock, "config", "vlt", "domain", "del", "1")
	refused(t, sock, 1, []string{"VLT_DOMAIN|1: no such row"}, "config", "vlt", "domain", "del", "1")

	// Per-port TLV and LLDP timers.
	okVlt(t, sock, "config", "vlt", "proxy-gateway", "lldp-tlv", "disable", "Ethernet8")
	if r := row("VLT_PROXY_GATEWAY_PORT|Ethernet8"); r["lldp_tlv"] != "disabled" {
		t.Fatalf("port row %v", r)
	}
	okVlt(t, sock, "config", "vlt", "proxy-gateway", "lldp-tlv", "enable", "Ethernet8")
	if r := row("VLT_PROXY_GATEWAY_PORT|Ethernet8"); r["lldp_tlv"] != "enabled" {
		t.Fatalf("port row %v", r)
	}
	refused(t, sock, 1, []string{`VLT_PROXY_GATEWAY_PORT|PortChannel1: "PortChannel1" is not an EthernetN name`},
		"config", "vlt", "proxy-gateway", "lldp-tlv", "disable", "PortChannel1")
	okVlt(t, sock, "config", "lldp", "hello-time", "10")
	refused(t, sock, 1, []string{`LLDP|GLOBAL: field multiplier: "11" is not a number 2-10`}, "config", "lldp", "multiplier", "11")
	refused(t, sock, 1, []string{`LLDP|GLOBAL: field hello_time: "4" is not a number 5-180`}, "config", "lldp", "hello-time", "4")
	okVlt(t, sock, "config", "lldp", "multiplier", "3")
	if r := row("LLDP|GLOBAL"); len(r) != 2 || r["hello_time"] != "10" || r["multiplier"] != "3" {
		t.Fatalf("LLDP|GLOBAL %v", r)
	}
	refused(t, sock, 2, []string{"config lldp hello-time <N>"}, "config", "lldp", "hello-time")
	// The row cfgmgrd rejects was left alone throughout.
	if r := row("VLT_DOMAIN|2000"); r["peer_link"] != "PortChannel9" {
		t.Fatalf("unrelated row %v", r)
	}
}
