package lldp

import (
	"strings"
	"testing"
	"time"
)

const c1Only = "[00:01:e8:00:01:0c]"

func TestHelloSchedule(t *testing.T) {
	r := newRig(t, c1Config())
	r.wantFrames() // every port still down: nothing sent
	if !r.a.NextDeadline().IsZero() {
		t.Errorf("deadline %v with nothing scheduled", r.a.NextDeadline())
	}
	r.a.PortOper("Ethernet8", true, r.now)
	r.wantFrames("Ethernet8:00:01:e8:00:01:0c/ttl=120/" + c1Only)
	r.a.PortOper("Ethernet0", true, r.now) // not a member
	r.wantFrames()
	r.now = t0.Add(10 * time.Second)
	r.a.PortOper("Ethernet12", true, r.now)
	r.wantFrames("Ethernet12:00:01:e8:00:01:0c/ttl=120/" + c1Only)
	if d := r.a.NextDeadline(); !d.Equal(t0.Add(30 * time.Second)) {
		t.Errorf("deadline +%v, want +30s", d.Sub(t0))
	}
	r.now = t0.Add(30*time.Second - time.Nanosecond)
	r.a.Tick(r.now)
	r.wantFrames()
	r.now = t0.Add(30 * time.Second)
	r.a.Tick(r.now)
	r.wantFrames("Ethernet8:00:01:e8:00:01:0c/ttl=120/" + c1Only)
	if d := r.a.NextDeadline(); !d.Equal(t0.Add(40 * time.Second)) {
		t.Errorf("deadline +%v, want +40s", d.Sub(t0))
	}
	// a late Tick sends each due port once, not once per missed period
	r.now = t0.Add(100 * time.Second)
	r.a.Tick(r.now)
	r.wantFrames("Ethernet12:00:01:e8:00:01:0c/ttl=120/"+c1Only, "Ethernet8:00:01:e8:00:01:0c/ttl=120/"+c1Only)
	if c := r.counters("Ethernet8"); c.Tx != 3 {
		t.Errorf("Ethernet8 counters %+v", c)
	}
}

func TestTTLIsHelloTimesMultiplier(t *testing.T) {
	cfg := c1Config()
	cfg.HelloTime, cfg.Multiplier = 180*time.Second, 10
	r := newRig(t, cfg, "Ethernet8")
	r.wantFrames("Ethernet8:00:01:e8:00:01:0c/ttl=1800/" + c1Only)
	if ttl := (Config{HelloTime: 10000 * time.Second, Multiplier: 10}).ttl(); ttl != 65535 {
		t.Errorf("ttl %d, want the 65535 cap", ttl)
	}
	// defaults: 30 s × 4
	cfg.HelloTime, cfg.Multiplier = 0, 0
	r.setConfig(cfg)
	r.now = r.now.Add(time.Second)
	r.a.Tick(r.now)
	r.wantFrames("Ethernet8:00:01:e8:00:01:0c/ttl=120/" + c1Only)
}

func TestTriggeredTxRateLimit(t *testing.T) {
	cfg := c1Config()
	r := newRig(t, cfg, "Ethernet8")
	r.wantFrames("Ethernet8:00:01:e8:00:01:0c/ttl=120/" + c1Only)
	r1, r2 := mustMAC("00:01:e8:00:01:a1"), mustMAC("00:01:e8:00:01:a2")

	r.now = t0.Add(200 * time.Millisecond)
	cfg.RouterMACs = []MAC{r1}
	r.setConfig(cfg)
	r.wantFrames() // within 1 s of the last LLDPDU: deferred
	if d := r.a.NextDeadline(); !d.Equal(t0.Add(time.Second)) {
		t.Errorf("deadline +%v, want +1s", d.Sub(t0))
	}
	r.now = t0.Add(500 * time.Millisecond)
	cfg.RouterMACs = []MAC{r1, r2}
	r.setConfig(cfg)
	r.wantFrames()
	r.now = t0.Add(time.Second)
	r.a.Tick(r.now)
	// one frame, with the content current at send time
	r.wantFrames("Ethernet8:00:01:e8:00:01:0c/ttl=120/[00:01:e8:00:01:0c 00:01:e8:00:01:a1 00:01:e8:00:01:a2]")
	if d := r.a.NextDeadline(); !d.Equal(t0.Add(31 * time.Second)) {
		t.Errorf("deadline +%v, want the hello restarted at +31s", d.Sub(t0))
	}
	// a change more than 1 s after the last frame goes out at once
	r.now = t0.Add(5 * time.Second)
	cfg.RouterMACs = nil
	r.setConfig(cfg)
	r.wantFrames("Ethernet8:00:01:e8:00:01:0c/ttl=120/" + c1Only)
	// a config change that does not change the frame sends nothing
	r.now = t0.Add(7 * time.Second)
	cfg.TLVDisabled = []string{"Ethernet0"}
	r.setConfig(cfg)
	r.wantFrames()
}

func TestNewNeighborGetsFastTx(t *testing.T) {
	r := newRig(t, c1Config(), "Ethernet8")
	r.frames()
	r.now = t0.Add(10 * time.Second)
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 120, macC))
	r.wantFrames("Ethernet8:00:01:e8:00:01:0c/ttl=120/" + c1Only)
	r.now = t0.Add(12 * time.Second)
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 120, macC)) // refresh: no extra frame
	r.wantFrames()
}

func TestVLTPeerMACTransmit(t *testing.T) {
	cfg := c1Config()
	r := newRig(t, cfg, "Ethernet8")
	r.frames()
	r.now = t0.Add(2 * time.Second)
	cfg.TransmitPeerMAC = true
	r.setConfig(cfg)
	r.wantFrames("Ethernet8:00:01:e8:00:01:0c/ttl=120/[00:01:e8:00:01:0c 00:01:e8:00:01:0d]")
}

func TestAdvertisedSet(t *testing.T) {
	cfg := c1Config()
	cfg.TransmitPeerMAC = true
	for i := range 20 {
		cfg.RouterMACs = append(cfg.RouterMACs, MAC{0x00, 0x01, 0xe8, 0x00, 0x02, byte(20 - i)})
	}
	cfg.RouterMACs = append(cfg.RouterMACs, macC1, MAC{}, MAC{0x01, 0, 0x5e, 0, 0, 1}) // duplicate, zero, multicast
	r := newRig(t, cfg)
	adv, dropped := r.a.Advertised()
	if len(adv) != 16 || adv[0] != macC1 || adv[1] != macD1 {
		t.Fatalf("advertised %v", adv)
	}
	// system and peer MAC first, then the lowest router MACs; the rest reported
	if adv[2] != (MAC{0x00, 0x01, 0xe8, 0x00, 0x02, 1}) || adv[15] != (MAC{0x00, 0x01, 0xe8, 0x00, 0x02, 14}) {
		t.Errorf("advertised %v", adv)
	}
	if len(dropped) != 8 || dropped[0] != (MAC{}) || dropped[7] != (MAC{0x01, 0, 0x5e, 0, 0, 1}) {
		t.Errorf("dropped %v, want 6 over the cap plus zero and multicast", dropped)
	}
	for i := 1; i < len(adv); i++ {
		if compareMAC(adv[i-1], adv[i]) >= 0 {
			t.Fatalf("advertised set not sorted: %v", adv)
		}
	}
}

func TestShutdownOnDisable(t *testing.T) {
	cfg := c1Config()
	r := newRig(t, cfg, "Ethernet8", "Ethernet12")
	r.frames()
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 120, macC))
	r.wantChanges("+00:01:e8:00:00:0c")
	r.now = r.now.Add(5 * time.Second)
	cfg.Enabled = false
	r.setConfig(cfg)
	r.wantFrames("Ethernet12:00:01:e8:00:01:0c/ttl=0/[]", "Ethernet8:00:01:e8:00:01:0c/ttl=0/[]")
	r.wantChanges("-00:01:e8:00:00:0c")
	if !r.a.NextDeadline().IsZero() || len(r.a.Neighbors(r.now)) != 0 {
		t.Errorf("disabled agent still scheduled (%v) or has neighbours", r.a.NextDeadline())
	}
	r.advance(time.Hour)
	r.wantFrames()
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 120, macC))
	r.wantLearned()
	if adv, _ := r.a.Advertised(); adv != nil {
		t.Errorf("disabled agent advertises %v", adv)
	}
	// disabling twice sends nothing more
	r.setConfig(cfg)
	r.wantFrames()
	// re-enabling starts again at once
	cfg.Enabled = true
	r.setConfig(cfg)
	r.wantFrames("Ethernet12:00:01:e8:00:01:0c/ttl=120/"+c1Only, "Ethernet8:00:01:e8:00:01:0c/ttl=120/"+c1Only)
}

func TestPerPortDisableAffectsOnlyThatPort(t *testing.T) {
	cfg := c1Config()
	r := newRig(t, cfg, "Ethernet8", "Ethernet12")
	r.frames()
	r.mustRecv("Ethernet8", frameFor(t, macC, "Ethernet8", 120, macC))
	r.mustRecv("Ethernet12", frameFor(t, macD, "Ethernet12", 120, macD))
	r.wantChanges("+00:01:e8:00:00:0c", "+00:01:e8:00:00:0d")
	r.now = r.now.Add(5 * time.Second)
	cfg.TLVDisabled = []string{"Ethernet12"}
	r.setConfig(cfg)
	r.wantFrames("Ethernet12:00:01:e8:00:01:0c/ttl=0/[]")
	r.wantChanges("-00:01:e8:00:00:0d") // its neighbour's MACs no longer count
	r.mustRecv("Ethernet12", frameFor(t, macD, "Ethernet12", 120, macD))
	r.wantLearned("00:01:e8:00:00:0c")
	if c := r.counters("Ethernet12"); c.Ignored != 1 {
		t.Errorf("Ethernet12 counters %+v", c)
	}
	r.advance(30 * time.Second)
	r.wantFrames("Ethernet8:00:01:e8:00:01:0c/ttl=120/" + c1Only)
	// port leaves the member set: shutdown there too
	cfg.Members = []string{"Ethernet12"}
	cfg.TLVDisabled = nil
	r.setConfig(cfg)
	r.wantFrames("Ethernet12:00:01:e8:00:01:0c/ttl=120/"+c1Only, "Ethernet8:00:01:e8:00:01:0c/ttl=0/[]")
	r.wantChanges("-00:01:e8:00:00:0c")
}

func TestSystemMACChangeWithdrawsOldIdentity(t *testing.T) {
	cfg := c1Config()
	r := newRig(t, cfg, "Ethernet8")
	r.frames()
	r.now = r.now.Add(5 * time.Second)
	cfg.SystemMAC = mustMAC("00:01:e8:00:01:ee")
	r.setConfig(cfg)
	r.wantFrames("Ethernet8:00:01:e8:00:01:0c/ttl=0/[]", "Ethernet8:00:01:e8:00:01:ee/ttl=120/[00:01:e8:00:01:ee]")
}

func TestInvalidConfigKeepsThePreviousOne(t *testing.T) {
	cfg := c1Config()
	r := newRig(t, cfg, "Ethernet8")
	r.frames()
	for _, bad := range []func(*Config){
		func(c *Config) { c.SystemMAC = MAC{} },
		func(c *Config) { c.HelloTime = 4 * time.Second },
		func(c *Config) { c.HelloTime = 5500 * time.Millisecond },
		func(c *Config) { c.Multiplier = 11 },
		func(c *Config) { c.SystemName = strings.Repeat("x", 256) },
		func(c *Config) { c.Members = []string{""} },
	} {
		c := cfg
		bad(&c)
		if err := r.a.SetConfig(c, r.now); err == nil || !strings.Contains(err.Error(), "domain 2: config not applied") {
			t.Errorf("SetConfig(%+v): %v", c, err)
		}
	}
	if _, err := New(Config{Enabled: true}, t0); err == nil {
		t.Error("New accepted a config without a system MAC")
	}
	r.advance(30 * time.Second)
	r.wantFrames("Ethernet8:00:01:e8:00:01:0c/ttl=120/" + c1Only)
}

func TestHelloChangeReschedules(t *testing.T) {
	cfg := c1Config()
	r := newRig(t, cfg, "Ethernet8")
	r.frames()
	// 10 s × 12 keeps TTL 120 but would be rejected (multiplier ≤ 10); use
	// 60 s × 2: same TTL, same frame, only the schedule moves
	r.now = t0.Add(5 * time.Second)
	cfg.HelloTime, cfg.Multiplier = 60*time.Second, 2
	r.setConfig(cfg)
	r.wantFrames()
	if d := r.a.NextDeadline(); !d.Equal(t0.Add(60 * time.Second)) {
		t.Errorf("deadline +%v, want +60s", d.Sub(t0))
	}
}
