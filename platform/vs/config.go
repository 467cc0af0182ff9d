package vs

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"time"

	"gopkg.in/yaml.v3"
)

// MaxFrame is the largest Ethernet frame (without FCS) the virtual switch
// accepts on any port, injected or received.
const MaxFrame = 9216

// Wire types of a port.
const (
	WireNone     = "none"     // no cable: egress frames only reach the capture buffer
	WireUDP      = "udp"      // UDP datagrams on loopback to a peer socket
	WireAFPacket = "afpacket" // a Linux interface (veth into a namespace)
)

// Config is the platform file (YAML).
//
//	switch_mac: "52:54:00:00:01:01"
//	fdb_age_time: 300s            # 0 = no aging
//	capacity: {my_mac: 512, fdb: 65536, route: 131072, neighbor: 16384, next_hop: 16384}
//	ports:
//	  - name: Ethernet0
//	    lanes: [0, 1, 2, 3]
//	    speed: 100000
//	    wire: {type: udp, local: 127.0.0.1:41000, peer: 127.0.0.1:42000}
//	  - name: Ethernet4
//	    lanes: [4, 5, 6, 7]
//	    speed: 100000
//	    wire: {type: afpacket, ifname: vs1-eth4}
type Config struct {
	SwitchMAC  string        `yaml:"switch_mac"`
	FDBAgeTime time.Duration `yaml:"fdb_age_time"`
	Capacity   Capacity      `yaml:"capacity"`
	Ports      []PortConfig  `yaml:"ports"`
	// UDPHello is the interval of link-state datagrams on UDP wires; the
	// peer is declared down after three missed ones. Default 500ms.
	UDPHello time.Duration `yaml:"udp_hello"`
	// LinkPoll is how often AF_PACKET wires read their interface's carrier.
	// Default 200ms.
	LinkPoll time.Duration `yaml:"link_poll"`
	// CapturePerPort bounds the egress capture buffer of each port (oldest
	// frames are dropped). Default 1024; negative disables captures.
	CapturePerPort int `yaml:"capture_per_port"`
}

// Capacity bounds the tables; zero fields take the defaults.
type Capacity struct {
	MyMAC    int `yaml:"my_mac"`
	FDB      int `yaml:"fdb"`
	Route    int `yaml:"route"`
	Neighbor int `yaml:"neighbor"`
	NextHop  int `yaml:"next_hop"`
	// NextHopGroup and NextHopGroupMember bound the ECMP groups and
	// their members (SAI's AVAILABLE_NEXT_HOP_GROUP_ENTRY and _MEMBER_ENTRY).
	NextHopGroup       int `yaml:"next_hop_group"`
	NextHopGroupMember int `yaml:"next_hop_group_member"`
}

// Default capacities.
const (
	DefaultMyMACCapacity    = 512
	DefaultFDBCapacity      = 65536
	DefaultRouteCapacity    = 131072
	DefaultNeighborCapacity = 16384
	DefaultNextHopCapacity  = 16384
	// DefaultNextHopGroupCapacity and DefaultNextHopGroupMemberCapacity
	// are of the order of a datacenter ASIC's ECMP tables.
	DefaultNextHopGroupCapacity       = 1024
	DefaultNextHopGroupMemberCapacity = 16384
	DefaultFDBAgeTime                 = 300 * time.Second
)

// PortConfig is one front-panel port.
type PortConfig struct {
	Name  string     `yaml:"name"`
	Lanes []uint32   `yaml:"lanes"`
	Speed uint32     `yaml:"speed"` // Mb/s
	Wire  WireConfig `yaml:"wire"`
}

// WireConfig says what a port is cabled to.
type WireConfig struct {
	Type   string `yaml:"type"`   // none (default), udp, afpacket
	Local  string `yaml:"local"`  // udp: local address, e.g. 127.0.0.1:41000
	Peer   string `yaml:"peer"`   // udp: the peer's address
	IfName string `yaml:"ifname"` // afpacket: interface name
}

// LoadConfig reads and validates a platform file.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("platform config: %w", err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("platform config %s: %w", path, err)
	}
	return c, nil
}

// ParseConfig parses and validates a platform file's bytes; unknown fields
// are errors.
func ParseConfig(b []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, err
	}
	if err := c.normalize(); err != nil {
		return nil, err
	}
	return &c, nil
}

// normalize fills defaults and validates.
func (c *Config) normalize() error {
	if c.SwitchMAC == "" {
		return errors.New("switch_mac: missing")
	}
	mac, err := net.ParseMAC(c.SwitchMAC)
	if err != nil || len(mac) != 6 {
		return fmt.Errorf("switch_mac %q: want a 6-octet MAC", c.SwitchMAC)
	}
	if mac[0]&1 != 0 {
		return fmt.Errorf("switch_mac %s: multicast", c.SwitchMAC)
	}
	if c.FDBAgeTime < 0 {
		return fmt.Errorf("fdb_age_time %s: negative", c.FDBAgeTime)
	}
	if c.FDBAgeTime == 0 {
		c.FDBAgeTime = DefaultFDBAgeTime
	}
	def := func(name string, v *int, d int) error {
		if *v < 0 {
			return fmt.Errorf("capacity.%s %d: negative", name, *v)
		}
		if *v == 0 {
			*v = d
		}
		return nil
	}
	if err := errors.Join(def("my_mac", &c.Capacity.MyMAC, DefaultMyMACCapacity),
		def("fdb", &c.Capacity.FDB, DefaultFDBCapacity),
		def("route", &c.Capacity.Route, DefaultRouteCapacity),
		def("neighbor", &c.Capacity.Neighbor, DefaultNeighborCapacity),
		def("next_hop", &c.Capacity.NextHop, DefaultNextHopCapacity),
		def("next_hop_group", &c.Capacity.NextHopGroup, DefaultNextHopGroupCapacity),
		def("next_hop_group_member", &c.Capacity.NextHopGroupMember, DefaultNextHopGroupMemberCapacity)); err != nil {
		return err
	}
	if c.UDPHello <= 0 {
		c.UDPHello = 500 * time.Millisecond
	}
	if c.LinkPoll <= 0 {
		c.LinkPoll = 200 * time.Millisecond
	}
	if c.CapturePerPort == 0 {
		c.CapturePerPort = 1024
	}
	if len(c.Ports) == 0 {
		return errors.New("ports: none configured")
	}
	names := map[string]bool{}
	lanes := map[uint32]string{}
	locals := map[string]string{}
	for i := range c.Ports {
		p := &c.Ports[i]
		if p.Name == "" {
			return fmt.Errorf("ports[%d]: name missing", i)
		}
		if names[p.Name] {
			return fmt.Errorf("port %s: configured twice", p.Name)
		}
		names[p.Name] = true
		if len(p.Lanes) == 0 {
			return fmt.Errorf("port %s: lanes missing", p.Name)
		}
		for _, l := range p.Lanes {
			if other, dup := lanes[l]; dup {
				return fmt.Errorf("port %s: lane %d already used by %s", p.Name, l, other)
			}
			lanes[l] = p.Name
		}
		if p.Speed == 0 {
			p.Speed = 100000
		}
		if err := p.Wire.validate(); err != nil {
			return fmt.Errorf("port %s: wire: %w", p.Name, err)
		}
		if p.Wire.Type == WireUDP {
			if other, dup := locals[p.Wire.Local]; dup {
				return fmt.Errorf("port %s: wire local %s already used by %s", p.Name, p.Wire.Local, other)
			}
			locals[p.Wire.Local] = p.Name
		}
	}
	return nil
}

func (w *WireConfig) validate() error {
	switch w.Type {
	case "", WireNone:
		w.Type = WireNone
		if w.Local != "" || w.Peer != "" || w.IfName != "" {
			return errors.New("type none takes no local, peer or ifname")
		}
	case WireUDP:
		for _, a := range []struct{ name, v string }{{"local", w.Local}, {"peer", w.Peer}} {
			if _, err := netip.ParseAddrPort(a.v); err != nil {
				return fmt.Errorf("udp %s %q: want ip:port: %w", a.name, a.v, err)
			}
		}
		if w.IfName != "" {
			return errors.New("type udp takes no ifname")
		}
	case WireAFPacket:
		if w.IfName == "" {
			return errors.New("afpacket: ifname missing")
		}
		if len(w.IfName) >= 16 {
			return fmt.Errorf("afpacket: ifname %q longer than 15 characters", w.IfName)
		}
		if w.Local != "" || w.Peer != "" {
			return errors.New("type afpacket takes no local or peer")
		}
	default:
		return fmt.Errorf("type %q: want none, udp or afpacket", w.Type)
	}
	return nil
}

// switchMAC returns the configured switch MAC (validated by normalize).
func (c *Config) switchMAC() [6]byte {
	mac, _ := net.ParseMAC(c.SwitchMAC)
	var m [6]byte
	copy(m[:], mac)
	return m
}
