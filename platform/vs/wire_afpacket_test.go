//go:build linux

package vs

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/rs/zerolog"
	"golang.org/x/sys/unix"
)

// netnsVeth creates a network namespace and a veth pair with one end
// (host) in our namespace and the other (peer) in the new one; both are
// removed at cleanup.
func netnsVeth(t *testing.T) (ns, host, peer string) {
	t.Helper()
	if os.Geteuid() != 0 {
		skipOutsideCI(t, fmt.Sprintf("the AF_PACKET wire test creates a network namespace and a veth pair, which needs root (CAP_NET_ADMIN, CAP_NET_RAW); running as uid %d", os.Geteuid()))
	}
	if _, err := exec.LookPath("ip"); err != nil {
		skipOutsideCI(t, "the AF_PACKET wire test needs iproute2's ip command: "+err.Error())
	}
	id := os.Getpid() % 100000
	ns, host, peer = fmt.Sprintf("vstest%d", id), fmt.Sprintf("vsh%d", id), fmt.Sprintf("vsp%d", id)
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	_ = exec.Command("ip", "link", "del", host).Run()
	_ = exec.Command("ip", "netns", "del", ns).Run()
	run("netns", "add", ns)
	t.Cleanup(func() {
		_ = exec.Command("ip", "link", "del", host).Run()
		_ = exec.Command("ip", "netns", "del", ns).Run()
	})
	run("link", "add", host, "mtu", "9600", "type", "veth", "peer", "name", peer, "mtu", "9600")
	run("link", "set", peer, "netns", ns)
	run("-n", ns, "link", "set", peer, "up")
	return ns, host, peer
}

// inNetns runs fn on an OS thread switched into the named namespace;
// sockets fn creates stay in that namespace.
func inNetns(t *testing.T, ns string, fn func()) {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			errc <- err
			return
		}
		defer orig.Close()
		target, err := os.Open("/var/run/netns/" + ns)
		if err != nil {
			errc <- err
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns %s: %w", ns, err)
			return
		}
		fn()
		if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns back: %w", err) // the thread stays locked and dies with the goroutine
			return
		}
		runtime.UnlockOSThread()
		errc <- nil
	}()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// TestAFPacketWireInNetns: a vs port on the host end of a veth whose other
// end is in a network namespace: frames both ways (VLAN tags kept across
// the kernel's tag offload), link state both ways, oversize counted.
func TestAFPacketWireInNetns(t *testing.T) {
	ns, host, peer := netnsVeth(t)
	cfg := &Config{SwitchMAC: testMAC, LinkPoll: 20 * time.Millisecond, Ports: []PortConfig{
		{Name: "Ethernet0", Lanes: []uint32{0}, Wire: WireConfig{Type: WireAFPacket, IfName: host}},
		{Name: "Ethernet4", Lanes: []uint32{4}},
	}}
	sw, err := New(cfg, Options{Logger: zerolog.Nop(), AgingInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sw.Close()
	ts := &tsw{t: t, sw: sw}
	ts.up("Ethernet0", "Ethernet4")
	v := ts.vlan(10)
	trunk := ts.bridgePort(ts.port("Ethernet0"))
	ts.member(v, trunk, true)
	ts.access("Ethernet4", v, 10)

	// The namespace's end: an afpacket wire created inside it.
	var nsWire *afpWire
	inNetns(t, ns, func() { nsWire, err = newAFPacketWire(peer, 20*time.Millisecond, zerolog.Nop()) })
	if err != nil {
		t.Fatal(err)
	}
	h := &carrierRec{recHandler: recHandler{frames: make(chan []byte, 64), over: make(chan int, 4)}, carrier: make(chan bool, 64)}
	nsWire.Start(h)
	defer nsWire.Close()

	waitFor(t, "vs port oper up", func() bool { up, _ := sw.OperUp("Ethernet0"); return up })

	// Namespace → vs: a tagged broadcast is bridged to the access port untagged.
	in := l2Frame(bcast, hostA, 10)
	if err := nsWire.Send(in); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "frame from the namespace bridged to Ethernet4", func() bool {
		frames, _ := sw.Captured("Ethernet4", false)
		for _, f := range frames {
			if _, tagged := decode(f.Frame).Layer(layers.LayerTypeDot1Q).(*layers.Dot1Q); !tagged && bytes.Contains(f.Frame, []byte("vltgw test payload")) {
				return true
			}
		}
		return false
	})

	// vs → namespace: a frame from the access port leaves the trunk tagged 10.
	out := l2Frame(hostA, hostB, 0)
	copy(out[len(out)-8:], "TO-NETNS")
	ts.inject("Ethernet4", out)
	deadline := time.After(10 * time.Second)
	for got := false; !got; {
		select {
		case f := <-h.frames:
			if !bytes.Contains(f, []byte("TO-NETNS")) {
				continue
			}
			d, tagged := decode(f).Layer(layers.LayerTypeDot1Q).(*layers.Dot1Q)
			if !tagged || d.VLANIdentifier != 10 {
				t.Fatalf("frame in the namespace not tagged 10: %x", f)
			}
			got = true
		case <-deadline:
			t.Fatal("frame never reached the namespace")
		}
	}

	// Pulling the vs end: the namespace end loses carrier; plugging back restores it.
	if err := sw.SetLink("Ethernet0", false); err != nil {
		t.Fatal(err)
	}
	waitCarrier(t, h.carrier, false)
	waitFor(t, "vs port oper down", func() bool { up, _ := sw.OperUp("Ethernet0"); return !up })
	if err := sw.SetLink("Ethernet0", true); err != nil {
		t.Fatal(err)
	}
	waitCarrier(t, h.carrier, true)
	waitFor(t, "vs port oper up again", func() bool { up, _ := sw.OperUp("Ethernet0"); return up })

	// The namespace end going down takes the vs port down.
	inNetns(t, ns, func() { nsWire.SetLocalUp(false) })
	waitFor(t, "vs port down when the namespace end is down", func() bool { up, _ := sw.OperUp("Ethernet0"); return !up })
	inNetns(t, ns, func() { nsWire.SetLocalUp(true) })
	waitFor(t, "vs port up again", func() bool { up, _ := sw.OperUp("Ethernet0"); return up })

	// An oversized frame (the veth MTU allows it) is dropped and counted.
	before := sw.Stage("dropped_oversize")
	big := append(l2Frame(bcast, hostA, 0), make([]byte, MaxFrame)...)
	var serr error
	_ = nsWire.rc.Write(func(fd uintptr) bool {
		sa := &unix.SockaddrLinklayer{Ifindex: nsWire.ifindex, Halen: 6}
		serr = unix.Sendto(int(fd), big, 0, sa)
		return serr != unix.EAGAIN
	})
	if serr != nil {
		t.Fatalf("send oversized: %v", serr)
	}
	waitFor(t, "oversize counted", func() bool { return sw.Stage("dropped_oversize") > before })
}

// skipOutsideCI skips with reason on a developer machine but fails under
// CI=true, which runs as root with iproute2 installed (make deps).
func skipOutsideCI(t *testing.T, reason string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(reason + " (CI=true: this must run in CI)")
	}
	t.Skip(reason)
}
