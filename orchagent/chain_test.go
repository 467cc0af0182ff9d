package orchagent

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/cfgmgr"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// startCfgmgr runs cfgmgrd's daemon in process against e's redis.
func (e *redisEnv) startCfgmgr() {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d, closeDBs, err := cfgmgr.Connect(ctx, e.srv.DBConfig(), cfgmgr.DaemonConfig{Logger: zerolog.New(zerolog.NewTestWriter(e.t)).Level(zerolog.WarnLevel)})
	if err != nil {
		e.t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); d.Run(ctx) }()
	e.t.Cleanup(func() { cancel(); wg.Wait(); closeDBs() })
}

// hsetConfig writes a config_db.json into CONFIG_DB with raw HSETs, as
// redis-cli would (an empty row is NULL=NULL).
func (e *redisEnv) hsetConfig(path string) map[string]map[string]map[string]string {
	e.t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		e.t.Fatal(err)
	}
	var cfg map[string]map[string]map[string]string
	if err := json.Unmarshal(b, &cfg); err != nil {
		e.t.Fatal(err)
	}
	c := e.srv.Client(4)
	ctx := context.Background()
	for table, rows := range cfg {
		for key, fields := range rows {
			args := []any{}
			for f, v := range fields {
				args = append(args, f, v)
			}
			if len(args) == 0 {
				args = append(args, "NULL", "NULL")
			}
			if err := c.HSet(ctx, table+"|"+key, args...).Err(); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	return cfg
}

// TestConfigDBToASICThroughTheStack: raw CONFIG_DB HSETs (the lab's
// example config_db.json) → cfgmgrd → APP_DB → orchagent → the real syncd
// → a platform behind the HAL; then raw DELs take exactly those objects
// away again.
func TestConfigDBToASICThroughTheStack(t *testing.T) {
	hal := newHalFake()
	e := newStackEnv(t, serveHalFake(t, hal))
	// As at SONiC boot, DEVICE_METADATA is there before orchagent starts
	// (it reads the MAC once); the rest arrives live.
	e.srv.Client(4).HSet(context.Background(), "DEVICE_METADATA|localhost", "mac", "52:54:00:00:01:01", "hostname", "vltgw-sw1")
	e.start()
	types := []halv1.ObjectType{tVlan, tVlanMember, tBridgePort, tRIF, tRoute, tNeighbor, tNextHop}
	empty := e.asicKeys(types...)
	e.startCfgmgr()
	cfg := e.hsetConfig("../lab/examples/single-switch/config_db.json")
	addrs := 0
	for k := range cfg["VLAN_INTERFACE"] {
		if strings.Contains(k, "|") {
			addrs++
		}
	}
	wantRoutes := 2 + 2*addrs + len(cfg["STATIC_ROUTE"])
	e.until("the example config in ASIC_DB", func() bool {
		return e.asicCount(tVlanMember) == len(cfg["VLAN_MEMBER"]) && e.asicCount(tRIF) == 2 &&
			e.asicCount(tRoute) == wantRoutes && e.asicCount(tNextHop) == len(cfg["NEIGH"])
	})
	if _, rif := e.asicFind(tRIF, attrRIFType, rifTypeVlan); rif[attrRIFSrcMAC] != "52:54:00:00:01:01" {
		t.Fatalf("RIF MAC %v (DEVICE_METADATA mac)", rif)
	}
	found := false
	for k, v := range e.asicObjects(tRoute) {
		if strings.Contains(k, `"dest":"192.168.100.0/24"`) && strings.HasPrefix(v[attrRouteNextHop], "oid:0x4") {
			found = true
		}
	}
	if !found {
		t.Fatalf("static route missing: %s", e.describe())
	}
	// Deleting the CONFIG_DB rows (raw DEL) removes what they made.
	c := e.srv.Client(4)
	ctx := context.Background()
	for _, table := range []string{"STATIC_ROUTE", "NEIGH", "VLAN_INTERFACE", "VLAN_MEMBER", "VLAN"} {
		for key := range cfg[table] {
			c.Del(ctx, table+"|"+key)
		}
	}
	e.until("back to no VLAN objects", func() bool {
		return strings.Join(e.asicKeys(types...), ",") == strings.Join(empty, ",")
	})
}
