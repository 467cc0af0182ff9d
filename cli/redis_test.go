package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vltgw/vltgw/swss/redistest"
)

// run runs the CLI against the test redis and returns stdout.
func run(t *testing.T, sock string, args ...string) string {
	t.Helper()
	app := New("vltgw")
	if err := Builtin(app); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := app.Run(context.Background(), append([]string{"--socket", sock}, args...), &out, &errb)
	if code != 0 {
		t.Fatalf("vltgw %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
	}
	return out.String()
}

func TestConfigLoadSaveRoundTrip(t *testing.T) {
	srv := redistest.Start(t)
	sock := srv.Socket
	example := "../lab/examples/single-switch/config_db.json"
	if out := run(t, sock, "config", "load", example); !strings.Contains(out, "Loaded 20 rows of 7 tables") {
		t.Fatalf("load: %q", out)
	}
	// The rows are in CONFIG_DB as redis-cli would see them.
	cfg := redis.NewClient(&redis.Options{Network: "unix", Addr: sock, DB: 4})
	defer cfg.Close()
	ctx := context.Background()
	if m := cfg.HGetAll(ctx, "VLAN_INTERFACE|Vlan10|10.0.10.1/24").Val(); m["NULL"] != "NULL" || len(m) != 1 {
		t.Fatalf("empty row stored as %v", m)
	}
	if v := cfg.HGet(ctx, "VLAN_MEMBER|Vlan20|Ethernet12", "tagging_mode").Val(); v != "tagged" {
		t.Fatalf("tagging_mode %q", v)
	}
	saved := run(t, sock, "config", "save")
	want, _ := os.ReadFile(example)
	if saved != string(want) {
		t.Fatalf("save differs from the loaded file:\n%s", saved)
	}
	// To a file, atomically.
	path := filepath.Join(t.TempDir(), "saved.json")
	run(t, sock, "config", "save", path)
	if got, _ := os.ReadFile(path); string(got) != string(want) {
		t.Fatalf("saved file differs")
	}
	var js struct{ Rows, Tables int }
	if err := json.Unmarshal([]byte(run(t, sock, "-o", "json", "config", "load", path)), &js); err != nil || js.Rows != 20 {
		t.Fatalf("load -o json: %v %v", js, err)
	}
}

func TestShowCommandsReadTheDatabases(t *testing.T) {
	srv := redistest.Start(t)
	sock := srv.Socket
	ctx := context.Background()
	db := func(id int) *redis.Client {
		c := redis.NewClient(&redis.Options{Network: "unix", Addr: sock, DB: id})
		t.Cleanup(func() { c.Close() })
		return c
	}
	app, asic, state, cfg := db(0), db(1), db(6), db(4)
	app.HSet(ctx, "PORT_TABLE:Ethernet0", "lanes", "0,1,2,3", "speed", "100000", "mtu", "9100", "admin_status", "up", "alias", "etp1")
	app.HSet(ctx, "PORT_TABLE:Ethernet4", "lanes", "4,5,6,7", "speed", "100000", "mtu", "9100", "admin_status", "up", "alias", "etp2")
	app.HSet(ctx, "_PORT_TABLE:Ethernet8", "lanes", "8") // staged, not applied: not shown
	state.HSet(ctx, "PORT_TABLE|Ethernet0", "oper_status", "up")
	state.HSet(ctx, "PORT_TABLE|Ethernet4", "oper_status", "down")
	cfg.HSet(ctx, "VLAN|Vlan10", "vlanid", "10")
	cfg.HSet(ctx, "VLAN_MEMBER|Vlan10|Ethernet0", "tagging_mode", "untagged")
	cfg.HSet(ctx, "VLAN_INTERFACE|Vlan10|10.0.10.1/24", "NULL", "NULL")
	state.HSet(ctx, "CFG_ERROR_TABLE|VLAN_MEMBER|Vlan10|Ethernet0", "field", "key", "reason", "test reason")
	for k, f := range asicFixture() {
		asic.HSet(ctx, k, f)
	}
	app.HSet(ctx, "ROUTE_TABLE:10.50.0.0/16", "nexthop", "10.0.20.7", "ifname", "Vlan20")
	db(2).HSet(ctx, "COUNTERS_PORT_NAME_MAP", "Ethernet4", "oid:0x1000000000004")

	status := run(t, sock, "show", "interfaces", "status")
	if want := "" +
		"Interface    Lanes  Speed   MTU  Alias  Oper  Admin\n" +
		"---------  -------  -----  ----  -----  ----  -----\n" +
		"Ethernet0  0,1,2,3   100G  9100   etp1    up     up\n" +
		"Ethernet4  4,5,6,7   100G  9100   etp2  down     up\n"; status != want {
		t.Fatalf("show interfaces status:\n%s", status)
	}
	var ports []PortStatus
	if err := json.Unmarshal([]byte(run(t, sock, "show", "interfaces", "status", "-o", "json")), &ports); err != nil || len(ports) != 2 || ports[0].Speed != "100000" || ports[1].Oper != "down" {
		t.Fatalf("json ports %+v %v", ports, err)
	}

	brief := run(t, sock, "show", "vlan", "brief")
	if !strings.Contains(brief, "|        10 | 10.0.10.1/24 | Ethernet0 | untagged       |") {
		t.Fatalf("show vlan brief:\n%s", brief)
	}
	var vlans []VlanBrief
	if err := json.Unmarshal([]byte(run(t, sock, "-o", "json", "show", "vlan", "brief")), &vlans); err != nil || len(vlans) != 1 || vlans[0].Members[0].Error != "key: test reason" {
		t.Fatalf("json vlans %+v %v", vlans, err)
	}

	routes := run(t, sock, "show", "ip", "route")
	for _, line := range []string{
		"    10.50.0.0/16  10.0.20.7     Vlan20     static    pending",
		"   172.16.0.0/12   10.0.4.2  Ethernet4       asic  installed",
	} {
		if !strings.Contains(routes, line+"\n") {
			t.Fatalf("show ip route lacks %q:\n%s", line, routes)
		}
	}
	var rts []Route
	if err := json.Unmarshal([]byte(run(t, sock, "show", "ip", "route", "-o", "json")), &rts); err != nil || len(rts) != 9 {
		t.Fatalf("json routes %d %v", len(rts), err)
	}
}

func TestUsageErrors(t *testing.T) {
	app := New("vltgw")
	if err := Builtin(app); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"show"}, {"show", "nothing"}, {"config", "load"}, {"-o", "xml", "show", "vlan", "brief"}, {"--bogus"}} {
		var out, errb bytes.Buffer
		if code := app.Run(context.Background(), append([]string{"--socket", "/nonexistent"}, args...), &out, &errb); code != 2 {
			t.Errorf("%v: exit %d (%s), want 2", args, code, errb.String())
		}
	}
	if err := app.Register(Command{Path: "show vlan", Run: runShowVlanBrief}); err == nil {
		t.Error("a path that is a prefix of another command registered")
	}
	if err := app.Register(Command{Path: "show vlt proxy-gateway", Run: runShowVlanBrief}); err != nil {
		t.Errorf("new command: %v", err)
	}
}
