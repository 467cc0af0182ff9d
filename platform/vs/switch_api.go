package vs

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/vltgw/vltgw/hal/sai"
	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
)

// ErrUnknownPort is returned for a port name or id the switch does not have.
var ErrUnknownPort = errors.New("unknown port")

// Hello describes the switch: version, session, switch id and MAC, ports
// and table sizes.
func (s *Switch) Hello() *halv1.HelloResponse {
	s.mu.RLock()
	defer s.mu.RUnlock()
	resp := &halv1.HelloResponse{
		Version:   Version,
		SessionId: s.session,
		SwitchId:  s.st.switchOID,
		SwitchMac: append([]byte(nil), s.st.mac[:]...),
		Tables:    s.tablesLocked(),
	}
	for _, p := range s.ports {
		resp.Ports = append(resp.Ports, &halv1.PortInfo{
			Oid: p.obj.oid, Name: p.name, Lanes: p.obj.attrs[aPortLanes].GetU32List().GetValues(),
			Speed: p.obj.u32Attr(aPortSpeed, 0), OperUp: p.operUp,
		})
	}
	return resp
}

// Capabilities lists capacity and use of the tables.
func (s *Switch) Capabilities() *halv1.CapabilitiesResponse {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return &halv1.CapabilitiesResponse{Tables: s.tablesLocked()}
}

func (s *Switch) tablesLocked() []*halv1.TableSize {
	var out []*halv1.TableSize
	for _, t := range []halv1.ObjectType{tMyMAC, tFDB, tRoute, tNeighbor, tNextHop, tNHGroup, tNHGMember} {
		out = append(out, &halv1.TableSize{Type: t, Capacity: uint32(s.st.caps[t]), Used: uint32(s.st.count[t])})
	}
	return out
}

// Stats reads port counters (SAI_PORT_STAT_* names; empty = all).
func (s *Switch) Stats(key *halv1.ObjectKey, ids ...string) *halv1.GetStatsResponse {
	fail := func(st halv1.Status, format string, a ...any) *halv1.GetStatsResponse {
		return &halv1.GetStatsResponse{Status: st, Message: fmt.Sprintf(format, a...)}
	}
	if key == nil {
		return fail(halv1.Status_STATUS_INVALID_PARAMETER, "key missing")
	}
	if key.GetType() != tPort {
		return fail(halv1.Status_STATUS_NOT_SUPPORTED, "statistics are kept for ports only, not %s", sai.TypeName(key.GetType()))
	}
	s.mu.RLock()
	p, ok := s.st.ports[key.GetOid()]
	s.mu.RUnlock()
	if !ok {
		return fail(halv1.Status_STATUS_ITEM_NOT_FOUND, "port %s does not exist", sai.FormatOID(key.GetOid()))
	}
	if len(ids) == 0 {
		ids = portStatNames
	}
	resp := &halv1.GetStatsResponse{}
	for _, id := range ids {
		v, ok := p.counters.stat(id)
		if !ok {
			return fail(halv1.Status_STATUS_INVALID_PARAMETER, "unknown port counter %q", id)
		}
		resp.Counters = append(resp.Counters, &halv1.Counter{Id: id, Value: v})
	}
	return resp
}

func (s *Switch) portByName(name string) (*port, error) {
	s.mu.RLock()
	p, ok := s.st.portByName[name]
	s.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("port %q: %w", name, ErrUnknownPort)
	}
	return p, nil
}

// SetLink pulls a port's cable (up=false) or plugs it back: our end and,
// on a UDP or AF_PACKET wire, the far end go oper-down/up.
func (s *Switch) SetLink(name string, up bool) error {
	p, err := s.portByName(name)
	if err != nil {
		return err
	}
	s.mu.Lock()
	p.linkUp = up
	s.st.advertise(p)
	s.st.updateOper(p)
	s.events.publish(s.st.drain()...)
	s.mu.Unlock()
	return nil
}

// OperUp reports a port's oper status.
func (s *Switch) OperUp(name string) (bool, error) {
	p, err := s.portByName(name)
	if err != nil {
		return false, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return p.operUp, nil
}

// PortOID is the object id of a port by name.
func (s *Switch) PortOID(name string) (uint64, error) {
	p, err := s.portByName(name)
	if err != nil {
		return 0, err
	}
	return p.obj.oid, nil
}

// Inject runs a frame through the pipeline as if received on a port; the
// pipeline has acted on it (frames captured and sent) when it returns.
func (s *Switch) Inject(name string, frame []byte) error {
	if err := checkFrame(frame); err != nil {
		return fmt.Errorf("inject on %s: %w", name, err)
	}
	p, err := s.portByName(name)
	if err != nil {
		return err
	}
	s.receive(p, append([]byte(nil), frame...))
	return nil
}

// SendOut sends a frame out of a port (or one member of a LAG) as is,
// bypassing the pipeline (PacketIO).
func (s *Switch) SendOut(oid uint64, frame []byte) error {
	if err := checkFrame(frame); err != nil {
		return fmt.Errorf("packet out on %s: %w", sai.FormatOID(oid), err)
	}
	f, _ := parseFrame(frame)
	pk := &pkt{f: f}
	s.mu.RLock()
	var st stage
	ok := false
	if p, isPort := s.st.ports[oid]; isPort && !p.cpu {
		st, ok = s.toPort(pk, p, frame)
	} else if l, isLAG := s.st.lags[oid]; isLAG {
		st, ok = s.toLAG(pk, l, frame)
	} else {
		s.mu.RUnlock()
		return fmt.Errorf("packet out on %s: %w", sai.FormatOID(oid), ErrUnknownPort)
	}
	s.mu.RUnlock()
	if !ok {
		return fmt.Errorf("packet out on %s: not sent: %s", sai.FormatOID(oid), st)
	}
	for _, e := range pk.out {
		s.transmit(e.p, e.frame)
	}
	return nil
}

// CapturedFrame is one egress frame seen on a port.
type CapturedFrame struct {
	Port  string
	Frame []byte
	At    time.Time
}

// Captured returns the frames sent out of a port ("" = every port),
// oldest first per port, and forgets them when clear is set.
func (s *Switch) Captured(name string, clear bool) ([]CapturedFrame, error) {
	ports := s.ports
	if name != "" {
		p, err := s.portByName(name)
		if err != nil {
			return nil, err
		}
		ports = []*port{p}
	}
	var out []CapturedFrame
	for _, p := range ports {
		for _, c := range p.capture.snapshot(clear) {
			out = append(out, CapturedFrame{Port: p.name, Frame: c.frame, At: c.at})
		}
	}
	return out, nil
}

// PortCounters are one port's frame counters.
type PortCounters struct {
	Port                          string
	RxFrames, TxFrames, RxDropped uint64
	TxDropped                     uint64
}

// Counters returns the per-port and per-stage counters (plus the streams'
// overflow drops and refused PacketIO frames).
func (s *Switch) Counters() ([]PortCounters, map[string]uint64) {
	var ports []PortCounters
	for _, p := range s.ports {
		ports = append(ports, PortCounters{Port: p.name, RxFrames: p.counters.rxFrames.Load(), TxFrames: p.counters.txFrames.Load(),
			RxDropped: p.counters.rxDropped.Load(), TxDropped: p.counters.txDropped.Load()})
	}
	stages := s.stages.snapshot()
	stages["events_dropped"] = s.events.dropped.Load() // a Subscribe stream's queue was full
	stages["punts_dropped"] = s.punts.dropped.Load()   // a PacketIO stream's queue was full
	stages["packet_out_errors"] = s.packetOutErrors.Load()
	return ports, stages
}

// Stage returns one pipeline counter by name (0 when unknown).
func (s *Switch) Stage(name string) uint64 {
	for i, n := range stageNames {
		if n == name {
			return s.stages[i].Load()
		}
	}
	return 0
}

// PortNames lists the front-panel ports in configuration order.
func (s *Switch) PortNames() []string {
	out := make([]string, len(s.ports))
	for i, p := range s.ports {
		out[i] = p.name
	}
	return out
}

// StageNames lists every pipeline counter name, sorted.
func StageNames() []string {
	out := append([]string(nil), stageNames[:]...)
	sort.Strings(out)
	return out
}
