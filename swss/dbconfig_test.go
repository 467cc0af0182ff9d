package swss_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/swss/redistest"
)

// A database_config.json as SONiC ships it (extra instances and keys).
const sonicDBConfig = `{
    "INSTANCES": {
        "redis": {"hostname": "127.0.0.1", "port": 6379, "unix_socket_path": "/var/run/redis/redis.sock", "persistence_for_warm_boot": "yes"},
        "redis_chassis": {"hostname": "redis_chassis.server", "port": 6380, "unix_socket_path": "", "persistence_for_warm_boot": "no"}
    },
    "DATABASES": {
        "APPL_DB": {"id": 0, "separator": ":", "instance": "redis"},
        "CONFIG_DB": {"id": 4, "separator": "|", "instance": "redis"},
        "CHASSIS_APP_DB": {"id": 12, "separator": "|", "instance": "redis_chassis"}
    },
    "VERSION": "1.0"
}`

func TestLoadSonicDBConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "database_config.json")
	if err := os.WriteFile(path, []byte(sonicDBConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := swss.LoadDBConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if db, err := c.DB("CHASSIS_APP_DB"); err != nil || db.ID != 12 || db.Separator != "|" || db.Instance != "redis_chassis" || db.Name != "CHASSIS_APP_DB" {
		t.Fatalf("CHASSIS_APP_DB = %+v, %v", db, err)
	}
	s := c.WithSocket("/tmp/x.sock")
	if s.Instances["redis"].UnixSocketPath != "/tmp/x.sock" || c.Instances["redis"].UnixSocketPath != "/var/run/redis/redis.sock" {
		t.Fatal("WithSocket must override the copy only")
	}
	a := c.WithAddr("10.0.0.1", 7000)
	if i := a.Instances["redis"]; i.UnixSocketPath != "" || i.Hostname != "10.0.0.1" || i.Port != 7000 {
		t.Fatalf("WithAddr instance = %+v", i)
	}
	if _, err := swss.LoadDBConfig(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Fatal("missing file accepted")
	}
	for _, bad := range []string{`not json`, `{"INSTANCES":{}}`, `{"INSTANCES":{"r":{}},"DATABASES":{"X":{"id":1,"separator":"","instance":"r"}}}`,
		`{"INSTANCES":{"r":{}},"DATABASES":{"X":{"id":99,"separator":":","instance":"r"}}}`} {
		if _, err := swss.ParseDBConfig([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	if def, _ := swss.LoadDBConfig(""); def.Instances["redis"].UnixSocketPath != "/var/run/redis/redis.sock" {
		t.Fatalf("default socket = %+v", def.Instances)
	}
}

func TestConnectSocketAndErrors(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	db, err := swss.ConnectSocket(ctx, srv.Socket, swss.StateDB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.ID != 6 || db.Separator != "|" || db.Name != swss.StateDB {
		t.Fatalf("db = %+v", db)
	}
	if _, err := swss.ConnectSocket(ctx, srv.Socket, "NOPE_DB"); err == nil {
		t.Fatal("unknown database accepted")
	}
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := swss.ConnectSocket(cctx, filepath.Join(t.TempDir(), "none.sock"), swss.ApplDB); err == nil {
		t.Fatal("connect to a missing socket succeeded")
	}
}

// A row that expires (or is renamed away) is reported as deleted: no "del"
// event follows those.
func TestSubscriberReportsExpiredRowAsDel(t *testing.T) {
	srv := redistest.Start(t)
	ctx := ctxT(t)
	raw := srv.Client(6)
	s, err := swss.NewSubscriberStateTable(ctx, srv.DB(swss.StateDB), "FDB_TABLE")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Pops(ctx); err != nil { // the (empty) dump
		t.Fatal(err)
	}
	raw.HSet(ctx, "FDB_TABLE|Vlan10|00:01:e8:00:00:01", "port", "Ethernet0")
	raw.HSet(ctx, "FDB_TABLE|Vlan10|00:01:e8:00:00:02", "port", "Ethernet4")
	raw.PExpire(ctx, "FDB_TABLE|Vlan10|00:01:e8:00:00:01", 50*time.Millisecond)
	raw.Rename(ctx, "FDB_TABLE|Vlan10|00:01:e8:00:00:02", "OTHER|x")
	state := map[string]string{}
	for state["Vlan10|00:01:e8:00:00:01"] != swss.OpDel || state["Vlan10|00:01:e8:00:00:02"] != swss.OpDel {
		out, err := s.Pops(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range out {
			state[e.Key] = e.Op
		}
	}
}
