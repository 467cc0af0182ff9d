package daemon

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/vltgw/vltgw/cfgmgr/vlt"
	"github.com/vltgw/vltgw/hal/halclient"
	"github.com/vltgw/vltgw/lldp"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	"github.com/vltgw/vltgw/swss"
)

// STATE_DB / COUNTERS_DB tables written here.
const (
	StateNeighborTable = "VLT_PROXY_GW_NEIGHBOR_TABLE"
	CountersTable      = "VLT_PROXY_GW_LLDP_COUNTERS"
	statePortTable     = "PORT_TABLE"
)

// Options configures the service.
type Options struct {
	DBConfig *swss.DBConfig
	HAL      halclient.Options
	Log      zerolog.Logger
	Now      func() time.Time // injected clock; time.Now when nil
	// ShutdownOnStop sends shutdown LLDPDUs (TTL 0) when the daemon stops.
	// Off by default: a restart or upgrade of pgwlldpd must not make the
	// other domain withdraw our MACs (its frames to them would be bridged
	// across the interconnect again); the spec asks for shutdown LLDPDUs
	// when the feature is disabled, which is always done, and a node that
	// really fails takes its links down, which withdraws at once.
	ShutdownOnStop bool
}

type change struct {
	db, table string
	kfvs      []swss.KeyOpFieldValues
	err       error
}

// Service is a running pgwlldpd.
type Service struct {
	o                           Options
	app, cfgDB, state, counters *swss.DB
	hal                         *halclient.Client
	learnedOut                  *swss.ProducerStateTable
	appT, cfgT                  Tables
	portUp                      map[string]bool
	portByOID                   map[uint64]string
	oidByPort                   map[string]uint64
	agents                      map[int]*lldp.Agent
	learned                     map[string]bool // APP_DB keys published
	neighborKeys                map[string]bool
	stream                      halv1.Hal_PacketIOClient
	log                         zerolog.Logger
}

// Run connects, follows the tables and the packet stream, and runs the
// agents until ctx ends.
func Run(ctx context.Context, o Options) error {
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Service{o: o, log: o.Log, appT: Tables{}, cfgT: Tables{}, portUp: map[string]bool{},
		agents: map[int]*lldp.Agent{}, learned: map[string]bool{}, neighborKeys: map[string]bool{}}
	var err error
	for _, c := range []struct {
		db   **swss.DB
		name string
	}{{&s.app, swss.ApplDB}, {&s.cfgDB, swss.ConfigDB}, {&s.state, swss.StateDB}, {&s.counters, swss.CountersDB}} {
		if *c.db, err = swss.Connect(ctx, o.DBConfig, c.name); err != nil {
			return err
		}
		defer (*c.db).Close()
	}
	s.learnedOut = swss.NewProducerStateTable(s.app, vlt.AppLearnedMAC)
	o.HAL.Client = "pgwlldpd"
	if s.hal, err = halclient.Dial(ctx, o.HAL); err != nil {
		return fmt.Errorf("HAL: %w", err)
	}
	defer s.hal.Close()
	s.portByOID, s.oidByPort = map[uint64]string{}, map[string]uint64{}
	for _, p := range s.hal.Hello().GetPorts() {
		s.portByOID[p.GetOid()], s.oidByPort[p.GetName()] = p.GetName(), p.GetOid()
	}
	return s.loop(ctx)
}

func (s *Service) follow(ctx context.Context, db *swss.DB, table string, out chan<- change) error {
	sub, err := swss.NewSubscriberStateTable(ctx, db, table, swss.WithLogger(s.log))
	if err != nil {
		return err
	}
	go func() {
		defer sub.Close()
		for {
			kfvs, err := sub.Pops(ctx)
			if ctx.Err() != nil {
				return
			}
			select {
			case out <- change{db: db.Name, table: table, kfvs: kfvs, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				time.Sleep(200 * time.Millisecond) // Redis away: retry without spinning
			}
		}
	}()
	return nil
}

type rxFrame struct {
	port  uint64
	frame []byte
	err   error
}

func (s *Service) loop(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	changes := make(chan change, 64)
	appTables := []string{vlt.AppProxyGW, vlt.AppDomain, vlt.AppPort, vlt.AppLLDPGlobal, appLAGMember, appIntf}
	for _, t := range appTables {
		if err := s.follow(ctx, s.app, t, changes); err != nil {
			return err
		}
	}
	if err := s.follow(ctx, s.cfgDB, cfgMetadata, changes); err != nil {
		return err
	}
	if err := s.follow(ctx, s.state, statePortTable, changes); err != nil {
		return err
	}
	// The stream outlives ctx by the shutdown LLDPDUs sent after it ends.
	streamCtx, streamCancel := context.WithCancel(context.WithoutCancel(ctx))
	defer streamCancel()
	stream, err := s.hal.PacketIO(streamCtx)
	if err != nil {
		return fmt.Errorf("HAL PacketIO: %w", err)
	}
	s.stream = stream
	rx := make(chan rxFrame, 256)
	go func() {
		for {
			in, err := stream.Recv()
			if err != nil {
				select {
				case rx <- rxFrame{err: err}:
				case <-ctx.Done():
				}
				return
			}
			select {
			case rx <- rxFrame{port: in.GetIngressPort(), frame: in.GetFrame()}:
			case <-ctx.Done():
				return
			}
		}
	}()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	s.log.Info().Int("ports", len(s.oidByPort)).Msg("started")
	for {
		select {
		case <-ctx.Done():
			s.shutdown()
			return nil
		case c := <-changes:
			if c.err != nil {
				s.log.Error().Err(c.err).Str("table", c.table).Msg("subscription")
				continue
			}
			s.apply(c)
		case f := <-rx:
			if f.err != nil {
				if ctx.Err() != nil {
					continue
				}
				return fmt.Errorf("HAL PacketIO stream: %w", f.err)
			}
			s.receive(f)
		case <-timer.C:
			now := s.o.Now()
			for _, a := range s.agents {
				a.Tick(now)
			}
		}
		s.flush(ctx)
		timer.Reset(s.nextWake())
	}
}

// apply folds a batch of table changes in and reconfigures the agents.
func (s *Service) apply(c change) {
	now := s.o.Now()
	if c.table == statePortTable && c.db == swss.StateDB {
		for _, k := range c.kfvs {
			up := k.Op == swss.OpSet && k.Fields.Map()["oper_status"] == "up"
			s.portUp[k.Key] = up
			for _, a := range s.agents {
				a.PortOper(k.Key, up, now)
			}
		}
		return
	}
	t := s.appT
	if c.db == swss.ConfigDB {
		t = s.cfgT
	}
	for _, k := range c.kfvs {
		if k.Op == swss.OpDel {
			t.set(c.table, k.Key, nil)
		} else {
			t.set(c.table, k.Key, k.Fields.Map())
		}
	}
	s.reconfigure(now)
}

func (s *Service) reconfigure(now time.Time) {
	cfg := s.cfgT
	if cfg[cfgMetadata]["localhost"]["mac"] == "" && len(s.hal.Hello().GetSwitchMac()) == 6 {
		// No DEVICE_METADATA mac: the platform's switch MAC is the system MAC.
		md := map[string]string{"mac": lldp.MAC(s.hal.Hello().GetSwitchMac()).String()}
		for k, v := range cfg[cfgMetadata]["localhost"] {
			if k != "mac" {
				md[k] = v
			}
		}
		cfg = Tables{cfgMetadata: {"localhost": md}}
	}
	want := DomainConfigs(s.appT, cfg)
	for id, a := range s.agents {
		if _, ok := want[id]; !ok {
			// Proxy gateway gone or left lldp mode: shutdown LLDPDUs go out
			// with the next flush; learned MACs are withdrawn.
			if err := a.SetConfig(lldp.Config{DomainID: id, Enabled: false}, now); err != nil {
				s.log.Error().Err(err).Int("domain", id).Msg("disable agent")
			}
			s.publishFrames(a)
			s.publishChanges(context.Background(), id, a, now)
			delete(s.agents, id)
		}
	}
	for id, c := range want {
		a, ok := s.agents[id]
		if !ok {
			var err error
			if a, err = lldp.New(c, now); err != nil {
				s.log.Error().Err(err).Int("domain", id).Msg("agent config refused")
				continue
			}
			s.agents[id] = a
			for port, up := range s.portUp {
				a.PortOper(port, up, now)
			}
			s.log.Info().Int("domain", id).Strs("members", c.Members).Msg("agent started")
			continue
		}
		if err := a.SetConfig(c, now); err != nil {
			s.log.Error().Err(err).Int("domain", id).Msg("agent config refused; previous config kept")
		}
	}
}

func (s *Service) receive(f rxFrame) {
	port, ok := s.portByOID[f.port]
	if !ok {
		s.log.Warn().Str("port_oid", fmt.Sprintf("0x%x", f.port)).Msg("frame from an unknown port; dropped")
		return
	}
	now := s.o.Now()
	for id, a := range s.agents {
		if err := a.Receive(port, f.frame, now); err != nil {
			s.log.Warn().Err(err).Int("domain", id).Str("port", port).Msg("LLDPDU dropped")
		}
	}
}

func (s *Service) nextWake() time.Duration {
	next := time.Time{}
	for _, a := range s.agents {
		if d := a.NextDeadline(); !d.IsZero() && (next.IsZero() || d.Before(next)) {
			next = d
		}
	}
	if next.IsZero() {
		return time.Hour
	}
	if d := next.Sub(s.o.Now()); d > 0 {
		return d
	}
	return time.Millisecond
}

// flush sends queued frames and publishes learned-MAC changes, neighbours
// and counters.
func (s *Service) flush(ctx context.Context) {
	now := s.o.Now()
	for id, a := range s.agents {
		s.publishFrames(a)
		s.publishChanges(ctx, id, a, now)
	}
	s.publishState(ctx, now)
}

func (s *Service) publishFrames(a *lldp.Agent) {
	for _, f := range a.Frames() {
		oid, ok := s.oidByPort[f.Port]
		if !ok {
			s.log.Warn().Str("port", f.Port).Msg("no platform port for an LLDPDU; not sent")
			continue
		}
		if err := s.stream.Send(&halv1.PacketOut{EgressPort: oid, Frame: f.Frame}); err != nil {
			s.log.Error().Err(err).Str("port", f.Port).Msg("send LLDPDU")
		}
	}
}

func (s *Service) publishChanges(ctx context.Context, id int, a *lldp.Agent, now time.Time) {
	changes := a.Changes()
	if len(changes) == 0 {
		return
	}
	info := map[lldp.MAC]lldp.RemoteMAC{}
	for _, r := range a.Learned(now) {
		info[r.MAC] = r
	}
	batch := make([]swss.KeyOpFieldValues, 0, len(changes))
	for _, c := range changes {
		key := strconv.Itoa(id) + ":" + c.MAC.String()
		if !c.Learned {
			batch = append(batch, swss.KeyOpFieldValues{Key: key, Op: swss.OpDel})
			delete(s.learned, key)
			continue
		}
		r := info[c.MAC]
		batch = append(batch, swss.KeyOpFieldValues{Key: key, Op: swss.OpSet, Fields: swss.FieldValues{
			{Field: "learned_on", Value: strings.Join(r.LearnedOn, ",")},
			{Field: "neighbor", Value: strings.Join(r.Neighbors, ",")},
		}})
		s.learned[key] = true
	}
	if err := s.learnedOut.Apply(ctx, batch); err != nil {
		s.log.Error().Err(err).Int("domain", id).Msg("publish learned MACs")
	}
}

func (s *Service) publishState(ctx context.Context, now time.Time) {
	keys := map[string]bool{}
	pipe := s.state.Client.Pipeline()
	cpipe := s.counters.Client.Pipeline()
	ids := make([]int, 0, len(s.agents))
	for id := range s.agents {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		a := s.agents[id]
		for _, n := range a.Neighbors(now) {
			key := StateNeighborTable + "|" + n.LocalPort + "|" + n.ChassisID.String()
			keys[key] = true
			macs := make([]string, len(n.MACs))
			for i, m := range n.MACs {
				macs[i] = m.String()
			}
			pipe.HSet(ctx, key, "port_id", n.PortID.String(), "ttl", strconv.Itoa(int(n.TTL)),
				"last_rx", n.LastRx.UTC().Format(time.RFC3339), "expires_in", strconv.Itoa(int(n.ExpiresIn.Seconds())),
				"system_name", n.SystemName, "macs", strings.Join(macs, ","), "domain", strconv.Itoa(id))
		}
		for port, c := range a.Counters() {
			cpipe.HSet(ctx, CountersTable+":"+port, "tx", c.Tx, "rx", c.Rx, "malformed", c.Malformed,
				"ignored", c.Ignored, "invalid_macs", c.InvalidMACs)
		}
	}
	for k := range s.neighborKeys {
		if !keys[k] {
			pipe.Del(ctx, k)
		}
	}
	s.neighborKeys = keys
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, context.Canceled) {
		s.log.Error().Err(err).Msg("write neighbours")
	}
	if _, err := cpipe.Exec(ctx); err != nil && !errors.Is(err, context.Canceled) {
		s.log.Error().Err(err).Msg("write counters")
	}
}

// shutdown closes the packet stream; with ShutdownOnStop it first sends
// shutdown LLDPDUs (TTL 0) so neighbours drop us at once.
func (s *Service) shutdown() {
	if s.o.ShutdownOnStop {
		now := s.o.Now()
		for id, a := range s.agents {
			_ = a.SetConfig(lldp.Config{DomainID: id, Enabled: false}, now)
			s.publishFrames(a)
		}
	}
	_ = s.stream.CloseSend()
	s.log.Info().Bool("shutdown_lldpdus", s.o.ShutdownOnStop).Msg("stopped")
}
