// Command e2ebench measures the whole configuration pipeline of one switch:
// raw CONFIG_DB HSETs (as redis-cli writes them) → cfgmgrd → APP_DB →
// orchagent → ASIC_DB → syncd → gRPC HAL → platform/vs, every daemon in this
// process on one private redis-server (unix socket, keyspace events AKE,
// no persistence), the platform behind a real gRPC HAL on a unix socket.
//
// An object counts as done when the platform has applied it: a gRPC
// interceptor on the HAL server sees the successful CREATE (or REMOVE) of
// each VLAN, VLAN_MEMBER and ROUTER_INTERFACE.
//
// Per run it writes n VLAN rows, then per VLAN one VLAN_MEMBER (tagged) and
// one VLAN_INTERFACE row — 3n rows, one pipeline — and waits until the
// platform holds the 3n objects; the rows are then deleted (reverse order)
// until the platform has removed them. The baseline, raw pipelined HSET of
// the same 3n rows into a scratch database (median of three), is measured
// in every run. The
// median of the runs is printed. Then the latency of one change: HSET of
// one VLAN_INTERFACE row until its router interface exists on the platform
// (and DEL until it is gone), p50/p99 over -samples changes.
//
// Output, one figure per line (scripts/bench.sh format):
//
//	BENCH <name> <value> <unit> [ratio <r>]
//
// A "#" line gives the CPU time per object of redis-server and of this
// process (every daemon and the platform): on a shared machine it is
// steadier than the wall-clock rates. -stages prints, per run, when each
// daemon finished, how it batched, how long orchagent waited for syncd and
// how long the platform's Write handler ran, plus redis' commandstats.
//
//	go run ./cmd/e2ebench [-scenario vlan|mymac] [-macs 16 -vlans 4000] [-n 3900] [-runs 5] [-samples 300] [-stages] [-cpuprofile f] [-memprofile f]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
	"google.golang.org/grpc"

	"github.com/vltgw/vltgw/cfgmgr"
	"github.com/vltgw/vltgw/hal/halclient"
	"github.com/vltgw/vltgw/orchagent"
	"github.com/vltgw/vltgw/platform/vs"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	"github.com/vltgw/vltgw/swss"
	"github.com/vltgw/vltgw/syncd"
)

func main() {
	n := flag.Int("n", 3900, "VLANs per run (3 CONFIG_DB rows and 3 platform objects each)")
	runs := flag.Int("runs", 5, "runs; the median is reported")
	samples := flag.Int("samples", 300, "single changes timed for the latency figures")
	ports := flag.Int("ports", 32, "front-panel ports of the virtual switch")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the throughput runs to this file")
	memprofile := flag.String("memprofile", "", "write an allocation profile (after the throughput runs) to this file")
	blockprofile := flag.String("blockprofile", "", "write a blocking profile (goroutines waiting on channels, locks, select) to this file")
	traceFile := flag.String("trace", "", "write a runtime/trace of the throughput runs to this file (go tool trace -pprof=net|sync|sched)")
	instances := flag.Int("redis-instances", 1, "redis-servers: 1 (every database on one, as vltgw ships), 2 (ASIC_DB apart) or 3 (APPL_DB and ASIC_DB apart)")
	events := flag.String("keyspace-events", "AKE", "redis-server notify-keyspace-events (vltgw ships AKE)")
	maxBurst := flag.Int("max-burst", 0, "cfgmgrd's MaxBurst (0: its default)")
	stages := flag.Bool("stages", false, "print, per run, when each daemon finished and how it batched (to stderr)")
	level := flag.String("log-level", "error", "zerolog level of the daemons (to stderr)")
	scenario := flag.String("scenario", "vlan", "vlan: VLAN+member+interface rows; mymac: proxy-gateway remote MACs × L3 VLANs → MY_MAC entries")
	macs := flag.Int("macs", 16, "mymac: remote MACs (static mode)")
	mmVLANs := flag.Int("vlans", 4000, "mymac: L3 VLANs")
	flag.Parse()
	lvl, err := zerolog.ParseLevel(*level)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2ebench:", err)
		os.Exit(2)
	}
	log := zerolog.New(os.Stderr).Level(lvl).With().Timestamp().Logger()
	if *blockprofile != "" {
		runtime.SetBlockProfileRate(int(10 * time.Microsecond))
		defer func() {
			if f, err := os.Create(*blockprofile); err == nil {
				pprof.Lookup("block").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	if *memprofile != "" {
		runtime.MemProfileRate = 64 << 10
		defer func() {
			if f, err := os.Create(*memprofile); err == nil {
				pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}()
	}
	if *scenario == "mymac" {
		err = runMyMAC(*macs, *mmVLANs, *runs, *samples, *ports, *maxBurst, *instances, *events, *cpuprofile, log)
	} else if *scenario != "vlan" {
		err = fmt.Errorf("-scenario %q: want vlan or mymac", *scenario)
	} else {
		err = run(*n, *runs, *samples, *ports, *maxBurst, *instances, *events, *cpuprofile, *traceFile, *stages, log)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2ebench:", err)
		os.Exit(1) //nolint:gocritic // the profile is not needed after a failure
	}
}

// Object types counted on the platform.
var counted = []halv1.ObjectType{
	halv1.ObjectType_OBJECT_TYPE_VLAN, halv1.ObjectType_OBJECT_TYPE_VLAN_MEMBER, halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE,
	halv1.ObjectType_OBJECT_TYPE_MY_MAC,
}

// platformWatch counts the objects the platform has applied, from the HAL
// Write calls it answered.
type platformWatch struct {
	mu     sync.Mutex
	cond   *sync.Cond
	count  [128]int       // by object type (halv1.ObjectType values are < 128)
	rifLog chan time.Time // one entry per tracked object created or removed (latency samples)
	track  bool
	// tracked is the object type whose changes go to rifLog (router
	// interfaces in the VLAN scenario, MY_MAC in the proxy-gateway one).
	tracked halv1.ObjectType
	writes  int           // HAL Write calls
	ops     int           // ops in them
	busy    time.Duration // in the platform's Write handler
	lastAt  time.Time     // when the last counted object was applied
}

func newPlatformWatch() *platformWatch {
	w := &platformWatch{rifLog: make(chan time.Time, 16), tracked: halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE}
	w.cond = sync.NewCond(&w.mu)
	return w
}

func (w *platformWatch) intercept(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	start := time.Now()
	resp, err := h(ctx, req)
	busy := time.Since(start)
	wr, ok1 := req.(*halv1.WriteRequest)
	ws, ok2 := resp.(*halv1.WriteResponse)
	if err != nil || !ok1 || !ok2 {
		return resp, err
	}
	now := time.Now()
	rif := false
	w.mu.Lock()
	w.writes++
	w.ops += len(wr.GetOps())
	w.busy += busy
	for i, op := range wr.GetOps() {
		if i >= len(ws.GetResults()) || ws.GetResults()[i].GetStatus() != halv1.Status_STATUS_SUCCESS {
			continue
		}
		t := op.GetKey().GetType()
		if t < 0 || int(t) >= len(w.count) {
			continue
		}
		switch op.GetKind() {
		case halv1.Op_KIND_CREATE:
			w.count[t]++
		case halv1.Op_KIND_REMOVE:
			w.count[t]--
		default:
			continue
		}
		if t == w.tracked {
			rif = true
		}
	}
	track := w.track
	w.lastAt = now
	w.cond.Broadcast()
	w.mu.Unlock()
	if rif && track {
		select {
		case w.rifLog <- now:
		default:
		}
	}
	return resp, err
}

func (w *platformWatch) snapshot() map[halv1.ObjectType]int {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[halv1.ObjectType]int{}
	for _, t := range counted {
		out[t] = w.count[t]
	}
	return out
}

// waitFor waits until every counted type has want[t] objects.
func (w *platformWatch) waitFor(want map[halv1.ObjectType]int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	stop := time.AfterFunc(timeout, func() { w.mu.Lock(); w.cond.Broadcast(); w.mu.Unlock() })
	defer stop.Stop()
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		done := true
		for _, t := range counted {
			if w.count[t] != want[t] {
				done = false
			}
		}
		if done {
			return nil
		}
		if time.Now().After(deadline) {
			got := map[string]int{}
			for _, t := range counted {
				got[t.String()] = w.count[t]
			}
			return fmt.Errorf("platform objects %v after %v, want %v", got, timeout, want)
		}
		w.cond.Wait()
	}
}

// since is how long after t0 the platform applied the last counted object
// (the waiter may be scheduled later than that on a busy machine).
func (w *platformWatch) since(t0 time.Time) time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.lastAt.Sub(t0)
}

// plus adds d VLANs' worth of objects (a VLAN, a member, a router
// interface each) to m; MY_MAC counts are left as they are.
func plus(m map[halv1.ObjectType]int, d int) map[halv1.ObjectType]int {
	out := map[halv1.ObjectType]int{}
	for k, v := range m {
		if k != halv1.ObjectType_OBJECT_TYPE_MY_MAC {
			v += d
		}
		out[k] = v
	}
	return out
}

// probes records when each daemon last made progress (-stages).
type probes struct {
	mu sync.Mutex
	probeVals
}

type probeVals struct {
	appOps    int       // APP_DB ops cfgmgrd wrote
	appAt     time.Time // when the last plan was written
	plans     int
	planLog   []string // "+ms:ops" of each plan since the run began (-stages)
	runStart  time.Time
	settles   int
	asicOps   uint64 // ASIC ops orchagent flushed
	flushes   uint64
	flushWait time.Duration
	settledAt time.Time
}

func (p *probes) plan(pl *cfgmgr.Plan) {
	p.mu.Lock()
	p.appOps += len(pl.App)
	p.plans++
	p.appAt = time.Now()
	if !p.runStart.IsZero() {
		p.planLog = append(p.planLog, fmt.Sprintf("+%d:%d", p.appAt.Sub(p.runStart).Milliseconds(), len(pl.App)))
	}
	p.mu.Unlock()
}

type stack struct {
	probes  probes
	dir     string
	redis   []*exec.Cmd
	cfgDB   *redis.Client
	scratch *redis.Client
	watch   *platformWatch
	stops   []func()
}

func (s *stack) close() {
	for i := len(s.stops) - 1; i >= 0; i-- {
		s.stops[i]()
	}
}

// daemon runs fn until the stack closes; an early end is reported on errs.
func (s *stack) daemon(name string, errs chan<- error, fn func(ctx context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go pprof.Do(ctx, pprof.Labels("daemon", name), func(ctx context.Context) {
		defer close(done)
		if err := fn(ctx); err != nil && ctx.Err() == nil {
			errs <- fmt.Errorf("%s: %w", name, err)
		} else if ctx.Err() == nil {
			errs <- fmt.Errorf("%s stopped", name)
		}
	})
	s.stops = append(s.stops, func() { cancel(); <-done })
}

// dbLayouts places the databases on instances 0.. by the instance count:
// CONFIG_DB (with the scratch database of the baseline) always on the first.
var dbLayouts = map[int]map[string]int{
	1: {swss.ConfigDB: 0, swss.StateDB: 0, swss.ApplDB: 0, swss.AsicDB: 0, "COUNTERS_DB": 0},
	2: {swss.ConfigDB: 0, swss.StateDB: 0, swss.ApplDB: 0, swss.AsicDB: 1, "COUNTERS_DB": 1},
	3: {swss.ConfigDB: 0, swss.StateDB: 0, swss.ApplDB: 1, swss.AsicDB: 2, "COUNTERS_DB": 2},
}

// dbConfig is the shipped database_config.json with the databases moved to
// the given instances (unix sockets).
func dbConfig(socks []string, layout map[string]int) (*swss.DBConfig, error) {
	var raw struct {
		Instances map[string]map[string]any `json:"INSTANCES"`
		Databases map[string]map[string]any `json:"DATABASES"`
		Version   string                    `json:"VERSION"`
	}
	if err := json.Unmarshal(swss.DefaultDBConfigJSON(), &raw); err != nil {
		return nil, err
	}
	raw.Instances = map[string]map[string]any{}
	for i, sock := range socks {
		raw.Instances[fmt.Sprintf("redis%d", i)] = map[string]any{"hostname": "127.0.0.1", "port": 6379 + i, "unix_socket_path": sock}
	}
	for name, db := range raw.Databases {
		db["instance"] = fmt.Sprintf("redis%d", layout[name])
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	return swss.ParseDBConfig(b)
}

func waitPing(ctx context.Context, sock string) error {
	c := redis.NewClient(&redis.Options{Network: "unix", Addr: sock})
	defer c.Close()
	var err error
	for i := 0; i < 100; i++ {
		if err = c.Ping(ctx).Err(); err == nil {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("redis-server %s did not answer: %w", sock, err)
}

// stackOptions are what a scenario changes in the stack.
type stackOptions struct {
	myMACCapacity int                     // platform MY_MAC table size (0: the default)
	extra         []orchagent.OrchFactory // extra orchs (the proxy-gateway orch)
}

func start(nports, maxBurst, instances int, events string, so stackOptions, log zerolog.Logger, errs chan error) (s *stack, err error) {
	s = &stack{watch: newPlatformWatch()}
	started := s // the error returns below set s to nil
	defer func() {
		if err != nil {
			started.close()
		}
	}()
	if s.dir, err = os.MkdirTemp("", "e2ebench-"); err != nil {
		return nil, err
	}
	s.stops = append(s.stops, func() { os.RemoveAll(s.dir) })
	// One redis-server per instance; databases are spread over them as
	// dbLayout says (SONiC's database_config.json can place each database
	// on its own instance).
	layout, ok := dbLayouts[instances]
	if !ok {
		return nil, fmt.Errorf("-redis-instances %d: want 1, 2 or 3", instances)
	}
	var socks []string
	for i := 0; i < instances; i++ {
		sock := filepath.Join(s.dir, fmt.Sprintf("redis%d.sock", i))
		cmd := exec.Command("redis-server", "--port", "0", "--unixsocket", sock, "--unixsocketperm", "700",
			"--save", "", "--appendonly", "no", "--notify-keyspace-events", events, "--databases", "16",
			"--dir", s.dir, "--logfile", filepath.Join(s.dir, fmt.Sprintf("redis%d.log", i)), "--dbfilename", fmt.Sprintf("dump%d.rdb", i))
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("start redis-server: %w", err)
		}
		s.redis = append(s.redis, cmd)
		s.stops = append(s.stops, func() { cmd.Process.Kill(); cmd.Wait() })
		socks = append(socks, sock)
	}
	ctx := context.Background()
	dbcfg, err := dbConfig(socks, layout)
	if err != nil {
		return nil, err
	}
	for _, sock := range socks[1:] { // the first is checked through CONFIG_DB below
		if err := waitPing(ctx, sock); err != nil {
			return nil, err
		}
	}
	sock := socks[0]
	var cfgDB *swss.DB
	for i := 0; ; i++ {
		if cfgDB, err = swss.Connect(ctx, dbcfg, swss.ConfigDB); err == nil {
			if err = cfgDB.Client.Ping(ctx).Err(); err == nil {
				break
			}
			cfgDB.Close()
		}
		if i == 100 {
			return nil, fmt.Errorf("redis-server did not answer: %w", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.cfgDB = cfgDB.Client
	s.stops = append(s.stops, func() { cfgDB.Close() })
	s.scratch = redis.NewClient(&redis.Options{Network: "unix", Addr: sock, DB: 15})
	s.stops = append(s.stops, func() { s.scratch.Close() })

	// The platform behind the HAL.
	pcfg := &vs.Config{SwitchMAC: "52:54:00:00:01:01", Capacity: vs.Capacity{MyMAC: so.myMACCapacity}}
	for p := 0; p < nports; p++ {
		l := uint32(4 * p)
		pcfg.Ports = append(pcfg.Ports, vs.PortConfig{Name: fmt.Sprintf("Ethernet%d", 4*p), Lanes: []uint32{l, l + 1, l + 2, l + 3}, Speed: 100000})
	}
	sw, err := vs.New(pcfg, vs.Options{Logger: log.With().Str("daemon", "vs").Logger()})
	if err != nil {
		return nil, err
	}
	s.stops = append(s.stops, func() { sw.Close() })
	halSock := filepath.Join(s.dir, "hal.sock")
	l, err := net.Listen("unix", halSock)
	if err != nil {
		return nil, err
	}
	gs := grpc.NewServer(grpc.MaxRecvMsgSize(256<<20), grpc.MaxSendMsgSize(256<<20), grpc.UnaryInterceptor(s.watch.intercept))
	halv1.RegisterHalServer(gs, vs.NewHALServer(sw))
	go pprof.Do(context.Background(), pprof.Labels("daemon", "platform"), func(context.Context) { gs.Serve(l) })
	s.stops = append(s.stops, gs.Stop)

	// syncd.
	asicDB, err := swss.Connect(ctx, dbcfg, swss.AsicDB)
	if err != nil {
		return nil, err
	}
	s.stops = append(s.stops, func() { asicDB.Close() })
	stateDB, err := swss.Connect(ctx, dbcfg, swss.StateDB)
	if err != nil {
		return nil, err
	}
	s.stops = append(s.stops, func() { stateDB.Close() })
	ready := make(chan struct{})
	sy, err := syncd.New(syncd.Config{
		ASIC:      asicDB.Client,
		State:     stateDB.Client,
		Queue:     syncd.NewRedisQueue(asicDB.Client, asicDB.ID, syncd.AsicStateTable, 1024),
		Responder: syncd.NewRedisProducer(asicDB.Client, asicDB.ID, syncd.GetResponseTable),
		Notifier:  syncd.NewRedisNotifier(asicDB.Client, syncd.NotificationsCh),
		HAL:       halclient.Options{Address: halSock, Client: "syncd", Logger: log.With().Str("daemon", "syncd").Logger()},
		Logger:    log.With().Str("daemon", "syncd").Logger(),
		OnReady:   func() { close(ready) },
	})
	if err != nil {
		return nil, err
	}
	s.daemon("syncd", errs, sy.Run)
	select {
	case <-ready:
	case err := <-errs:
		return nil, err
	case <-time.After(30 * time.Second):
		return nil, errors.New("syncd not ready after 30s")
	}

	// orchagent.
	var agent *orchagent.Agent
	agent, closeAgent, err := orchagent.OpenRedis(ctx, orchagent.RedisOptions{DBConfig: dbcfg, Logger: log.With().Str("daemon", "orchagent").Logger(), Extra: so.extra,
		OnSettled: func(int) {
			st := agent.Stats()
			s.probes.mu.Lock()
			if st.Ops != s.probes.asicOps {
				s.probes.settledAt = time.Now()
			}
			s.probes.settles++
			s.probes.asicOps, s.probes.flushes, s.probes.flushWait = st.Ops, st.Flushes, st.FlushWait
			s.probes.mu.Unlock()
		}})
	if err != nil {
		return nil, err
	}
	s.stops = append(s.stops, closeAgent)
	s.daemon("orchagent", errs, agent.Run)

	// cfgmgrd.
	d, closeCfg, err := cfgmgr.Connect(ctx, dbcfg, cfgmgr.DaemonConfig{Logger: log.With().Str("daemon", "cfgmgrd").Logger(), OnPlan: s.probes.plan, MaxBurst: maxBurst})
	if err != nil {
		return nil, err
	}
	s.stops = append(s.stops, func() { closeCfg() })
	s.daemon("cfgmgrd", errs, d.Run)

	// Ports, then one VLAN through the whole pipeline: everything is up.
	var rows [][3]string
	for p := 0; p < nports; p++ {
		rows = append(rows, [3]string{fmt.Sprintf("PORT|Ethernet%d", 4*p), "lanes", fmt.Sprintf("%d,%d,%d,%d", 4*p, 4*p+1, 4*p+2, 4*p+3)})
	}
	if err := hset(ctx, s.cfgDB, rows); err != nil {
		return nil, err
	}
	base := s.watch.snapshot()
	warm := vlanRows(4094, 1, nports)
	if err := hset(ctx, s.cfgDB, warm); err != nil {
		return nil, err
	}
	if err := s.watch.waitFor(plus(base, 1), 60*time.Second); err != nil {
		return nil, fmt.Errorf("warm-up: %w", err)
	}
	if err := del(ctx, s.cfgDB, warm); err != nil {
		return nil, err
	}
	if err := s.watch.waitFor(base, 60*time.Second); err != nil {
		return nil, fmt.Errorf("warm-up removal: %w", err)
	}
	return s, nil
}

// vlanRows returns the CONFIG_DB rows of n VLANs from first: the VLAN rows,
// then per VLAN its tagged member and its interface (parents first, as a
// config load writes them).
func vlanRows(first, n, nports int) [][3]string {
	var rows [][3]string
	for v := first; v < first+n; v++ {
		rows = append(rows, [3]string{fmt.Sprintf("VLAN|Vlan%d", v), "vlanid", fmt.Sprint(v)})
	}
	for v := first; v < first+n; v++ {
		rows = append(rows,
			[3]string{fmt.Sprintf("VLAN_MEMBER|Vlan%d|Ethernet%d", v, 4*(v%nports)), "tagging_mode", "tagged"},
			[3]string{fmt.Sprintf("VLAN_INTERFACE|Vlan%d", v), "NULL", "NULL"})
	}
	return rows
}

// hset writes rows with one pipelined HSET each, in one round trip.
func hset(ctx context.Context, c *redis.Client, rows [][3]string) error {
	pipe := c.Pipeline()
	for _, r := range rows {
		pipe.HSet(ctx, r[0], r[1], r[2])
	}
	_, err := pipe.Exec(ctx)
	return err
}

// del deletes rows, children first, in one round trip.
func del(ctx context.Context, c *redis.Client, rows [][3]string) error {
	pipe := c.Pipeline()
	for i := len(rows) - 1; i >= 0; i-- {
		pipe.Del(ctx, rows[i][0])
	}
	_, err := pipe.Exec(ctx)
	return err
}

type watchMark struct {
	writes, ops      int
	busy             time.Duration
	redisCPU, ownCPU time.Duration
}

// cpuOf reads the user+system CPU time of a process from /proc (Linux).
func cpuOf(pid string) time.Duration {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	sy, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+sy) * 10 * time.Millisecond // USER_HZ 100
}

func (s *stack) mark() (probeVals, watchMark) {
	s.probes.mu.Lock()
	p := s.probes.probeVals
	s.probes.mu.Unlock()
	s.watch.mu.Lock()
	w := watchMark{writes: s.watch.writes, ops: s.watch.ops, busy: s.watch.busy}
	s.watch.mu.Unlock()
	for _, r := range s.redis {
		w.redisCPU += cpuOf(strconv.Itoa(r.Process.Pid))
	}
	w.ownCPU = cpuOf("self")
	return p, w
}

func (s *stack) report(out *os.File, what string, t0 time.Time, hset time.Duration, p0 probeVals, w0 watchMark) {
	p, w := s.mark()
	fmt.Fprintf(out, "# %s: hset %v; cfgmgrd %d plans %d APP ops, last at +%v; orchagent %d settles %d flushes %d ops (%v waiting for syncd), last at +%v; HAL %d writes %d ops (%v in the platform), last at +%v; cpu redis %v bench %v\n",
		what, hset.Round(time.Millisecond), p.plans-p0.plans, p.appOps-p0.appOps, p.appAt.Sub(t0).Round(time.Millisecond),
		p.settles-p0.settles, p.flushes-p0.flushes, p.asicOps-p0.asicOps, (p.flushWait - p0.flushWait).Round(time.Millisecond), p.settledAt.Sub(t0).Round(time.Millisecond),
		w.writes-w0.writes, w.ops-w0.ops, (w.busy - w0.busy).Round(time.Millisecond), s.watch.since(t0).Round(time.Millisecond), w.redisCPU-w0.redisCPU, w.ownCPU-w0.ownCPU)
	fmt.Fprintf(out, "#   cfgmgrd plans (ms:APP ops): %s\n", strings.Join(p.planLog, " "))
}

// sampleChanges times samples pairs of one CONFIG_DB change — HSET of row,
// then DEL of its key — each until the platform has applied an object of
// type tracked (created, then removed).
func (s *stack) sampleChanges(ctx context.Context, errs <-chan error, samples int, timeout time.Duration, tracked halv1.ObjectType, row [3]string) (up, down []time.Duration, err error) {
	s.watch.mu.Lock()
	s.watch.tracked, s.watch.track = tracked, true
	s.watch.mu.Unlock()
	for i := 0; i < samples; i++ {
		for _, add := range []bool{true, false} {
			t0 := time.Now()
			if add {
				err = s.cfgDB.HSet(ctx, row[0], row[1], row[2]).Err()
			} else {
				err = s.cfgDB.Del(ctx, row[0]).Err()
			}
			if err != nil {
				return nil, nil, err
			}
			select {
			case at := <-s.watch.rifLog:
				if add {
					up = append(up, at.Sub(t0))
				} else {
					down = append(down, at.Sub(t0))
				}
			case err := <-errs:
				return nil, nil, err
			case <-time.After(timeout):
				return nil, nil, fmt.Errorf("latency sample %d of %s: no %s change on the platform after %v", i, row[0], tracked, timeout)
			}
		}
	}
	return up, down, nil
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func percentile(ds []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(p*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f", float64(d)/float64(time.Millisecond)) }

func run(n, runs, samples, nports, maxBurst, instances int, events, cpuprofile, traceFile string, stages bool, log zerolog.Logger) error {
	if n < 1 || n > 3900 || runs < 1 || nports < 1 {
		return errors.New("need 1 <= -n <= 3900 (VLAN ids 2..3901), -runs >= 1, -ports >= 1")
	}
	errs := make(chan error, 8)
	s, err := start(nports, maxBurst, instances, events, stackOptions{}, log, errs)
	if err != nil {
		return err
	}
	defer s.close()
	ctx := context.Background()
	rows := vlanRows(2, n, nports)
	base := s.watch.snapshot()
	full := plus(base, n)
	timeout := 120 * time.Second

	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if traceFile != "" {
		f, err := os.Create(traceFile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			return err
		}
		defer trace.Stop()
	}
	var raw, add, rem []float64
	objs := float64(3 * n)
	var redisCPU, ownCPU time.Duration // over the pipeline's create and remove phases
	if stages {
		s.cfgDB.ConfigResetStat(ctx)
	}
	for r := 0; r < runs; r++ {
		select {
		case err := <-errs:
			return err
		default:
		}
		// The baseline: the median of three back to back (one sample
		// swings with the machine's load).
		var rs []float64
		for range 3 {
			t0 := time.Now()
			if err := hset(ctx, s.scratch, rows); err != nil {
				return err
			}
			rs = append(rs, float64(len(rows))/time.Since(t0).Seconds())
			if err := s.scratch.FlushDB(ctx).Err(); err != nil {
				return err
			}
		}
		raw = append(raw, median(rs))

		p0, w0 := s.mark()
		runCPU := w0
		t0 := time.Now()
		s.probes.mu.Lock()
		s.probes.runStart, s.probes.planLog = t0, nil
		s.probes.mu.Unlock()
		if err := hset(ctx, s.cfgDB, rows); err != nil {
			return err
		}
		hsetDone := time.Since(t0)
		if err := s.watch.waitFor(full, timeout); err != nil {
			return fmt.Errorf("run %d: create: %w", r+1, err)
		}
		add = append(add, objs/s.watch.since(t0).Seconds())
		if stages {
			s.report(os.Stderr, fmt.Sprintf("run %d create", r+1), t0, hsetDone, p0, w0)
		}

		p0, w0 = s.mark()
		t0 = time.Now()
		s.probes.mu.Lock()
		s.probes.runStart, s.probes.planLog = t0, nil
		s.probes.mu.Unlock()
		if err := del(ctx, s.cfgDB, rows); err != nil {
			return err
		}
		if err := s.watch.waitFor(base, timeout); err != nil {
			return fmt.Errorf("run %d: remove: %w", r+1, err)
		}
		rem = append(rem, objs/s.watch.since(t0).Seconds())
		_, end := s.mark()
		redisCPU += end.redisCPU - runCPU.redisCPU
		ownCPU += end.ownCPU - runCPU.ownCPU
		if stages {
			s.report(os.Stderr, fmt.Sprintf("run %d remove", r+1), t0, 0, p0, w0)
		}
	}
	if cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	if traceFile != "" {
		trace.Stop()
	}
	if stages {
		info, _ := s.cfgDB.Info(ctx, "commandstats").Result()
		fmt.Fprint(os.Stderr, info)
	}
	perObj := func(d time.Duration) float64 {
		return float64(d) / float64(time.Microsecond) / (2 * objs * float64(runs))
	}

	// Latency of one change: one VLAN with a member stays; its interface
	// row comes and goes.
	lat := vlanRows(4000, 1, nports)
	if err := hset(ctx, s.cfgDB, lat[:2]); err != nil {
		return err
	}
	if err := s.watch.waitFor(map[halv1.ObjectType]int{
		counted[0]: base[counted[0]] + 1, counted[1]: base[counted[1]] + 1, counted[2]: base[counted[2]],
	}, timeout); err != nil {
		return fmt.Errorf("latency VLAN: %w", err)
	}
	up, down, err := s.sampleChanges(ctx, errs, samples, timeout, halv1.ObjectType_OBJECT_TYPE_ROUTER_INTERFACE, lat[2])
	if err != nil {
		return err
	}

	rawM, addM, remM := median(raw), median(add), median(rem)
	fmt.Printf("e2ebench: vlans=%d objects=%d runs=%d ports=%d samples=%d keyspace-events=%s redis-instances=%d (CONFIG_DB HSET → cfgmgrd → APP_DB → orchagent → ASIC_DB → syncd → gRPC HAL → platform/vs; redis on unix sockets; median objects/s)\n",
		n, 3*n, runs, nports, samples, events, instances)
	fmt.Printf("BENCH e2e_raw_pipelined_hset %.0f rows/s\n", rawM)
	fmt.Printf("BENCH e2e_config_to_platform_create %.0f objs/s ratio %.3f\n", addM, addM/rawM)
	fmt.Printf("BENCH e2e_config_to_platform_remove %.0f objs/s ratio %.3f\n", remM, remM/rawM)
	fmt.Printf("# cpu per object created or removed (create and remove phases of all runs): redis-server %.1f µs, daemons+platform (this process) %.1f µs\n",
		perObj(redisCPU), perObj(ownCPU))
	fmt.Printf("BENCH e2e_one_change_create_p50 %s ms\n", ms(percentile(up, 0.50)))
	fmt.Printf("BENCH e2e_one_change_create_p99 %s ms\n", ms(percentile(up, 0.99)))
	fmt.Printf("BENCH e2e_one_change_remove_p50 %s ms\n", ms(percentile(down, 0.50)))
	fmt.Printf("BENCH e2e_one_change_remove_p99 %s ms\n", ms(percentile(down, 0.99)))
	return nil
}
