package lldp

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLLDPDInterop checks both directions against a real lldpd (spec §5:
// "accepted by lldpd as an unknown org TLV") in a private network
// namespace with a veth pair: our frames on lt0, lldpd on lt1.
//   - lldpd accepts our LLDPDU (no discard), shows Chassis ID, Port ID, TTL
//     and our TLV as an unknown TLV with OUI 00,01,E8 subtype 1;
//   - our shutdown LLDPDU removes us from lldpd's neighbours;
//   - lldpd configured with `custom-tlv oui 00,01,e8 subtype 1 oui-info
//     <MACs>` (the lldpd transport for real SONiC boxes) sends an LLDPDU our
//     strict decoder accepts with those MACs.
//
// It needs root and network namespaces. CI runs as root, so there (CI=true)
// a missing privilege is a failure; elsewhere it skips with the reason. A
// missing lldpd is treated like a missing tshark (`make deps` installs both).
func TestLLDPDInterop(t *testing.T) {
	if testing.Short() {
		t.Skip("lldpd interop starts a daemon; skipped in -short")
	}
	if os.Geteuid() != 0 {
		skipOutsideCI(t, "lldpd interop needs root for a network namespace")
	}
	lldpd, lldpcli, ip := needTool(t, "lldpd"), needTool(t, "lldpcli"), needTool(t, "ip")
	ns := fmt.Sprintf("vltgw-lldp-%d", os.Getpid())
	if out, err := exec.Command(ip, "netns", "add", ns).CombinedOutput(); err != nil {
		skipOutsideCI(t, fmt.Sprintf("cannot create a network namespace here: %v: %s", err, out))
	}
	t.Cleanup(func() { _ = exec.Command(ip, "netns", "del", ns).Run() })
	inNS := func(args ...string) *exec.Cmd {
		return exec.Command(ip, append([]string{"netns", "exec", ns}, args...)...)
	}
	run := func(args ...string) string {
		t.Helper()
		out, err := inNS(args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run(ip, "link", "add", "name", "lt0", "type", "veth", "peer", "name", "lt1")
	run(ip, "link", "set", "lt0", "up")
	run(ip, "link", "set", "lt1", "up")

	// lldpd drops privileges (_lldpd) and its unprivileged side must reach
	// the control socket; t.TempDir's parent is 0700 root.
	dir, err := os.MkdirTemp("", "vltgw-lldpd-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "lldpd.sock")
	daemon := inNS(lldpd, "-d", "-I", "lt1", "-u", sock)
	logf, err := os.Create(filepath.Join(dir, "lldpd.log"))
	if err != nil {
		t.Fatal(err)
	}
	daemon.Stdout, daemon.Stderr = logf, logf
	if err := daemon.Start(); err != nil {
		t.Fatalf("start lldpd: %v", err)
	}
	t.Cleanup(func() {
		_ = daemon.Process.Signal(syscall.SIGTERM) // the monitor; it takes its privsep child along
		_ = daemon.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("lldpd log:\n%s", b)
		}
	})
	cli := func(args ...string) (string, error) {
		out, err := inNS(append([]string{lldpcli, "-u", sock}, args...)...).CombinedOutput()
		return string(out), err
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		// Polls an external daemon; the bound only stops a broken run.
		for range 100 {
			if ok() {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("lldpd: timed out waiting for %s", what)
	}
	waitFor("its control socket", func() bool { _, err := cli("show", "interfaces"); return err == nil })

	// 1. lldpd accepts our LLDPDU.
	ours := frameFor(t, macC, "Ethernet8", 120, macC, macD)
	sendInNS(t, ns, "lt0", ours)
	var kv map[string]string
	waitFor("our LLDPDU to appear as a neighbour", func() bool {
		out, _ := cli("show", "neighbors", "details", "hidden", "-f", "keyvalue")
		kv = keyValues(out)
		return kv["lldp.lt1.chassis.mac"] != ""
	})
	want := map[string]string{
		"lldp.lt1.chassis.mac":                      "00:01:e8:00:00:0c",
		"lldp.lt1.chassis.name":                     "peer",
		"lldp.lt1.port.ifname":                      "Ethernet8",
		"lldp.lt1.port.ttl":                         "120",
		"lldp.lt1.unknown-tlvs.unknown-tlv.oui":     "00,01,E8",
		"lldp.lt1.unknown-tlvs.unknown-tlv.subtype": "1",
		"lldp.lt1.unknown-tlvs.unknown-tlv.len":     "12",
		"lldp.lt1.unknown-tlvs.unknown-tlv":         "00,01,E8,00,00,0C,00,01,E8,00,00,0D",
	}
	for k, v := range want {
		if kv[k] != v {
			t.Errorf("lldpd %s = %q, want %q", k, kv[k], v)
		}
	}
	stats, _ := cli("show", "statistics", "-f", "keyvalue")
	if s := keyValues(stats); s["lldp.lt1.rx_discarded_cnt.rx_discarded_cnt"] != "0" || s["lldp.lt1.rx.rx"] != "1" {
		t.Errorf("lldpd statistics: %v", s)
	}

	// 2. Our shutdown LLDPDU removes us at once.
	sendInNS(t, ns, "lt0", frameFor(t, macC, "Ethernet8", 0))
	waitFor("our shutdown LLDPDU to remove the neighbour", func() bool {
		out, _ := cli("show", "neighbors", "-f", "keyvalue")
		return !strings.Contains(out, "00:01:e8:00:00:0c")
	})

	// 3. lldpd's custom-tlv carries the same TLV, and we decode its frame.
	rx := recvInNS(t, ns, "lt0", func() {
		if out, err := cli("configure", "lldp", "custom-tlv", "oui", "00,01,e8", "subtype", "1",
			"oui-info", "00,01,e8,00,01,0c,00,01,e8,00,01,0d"); err != nil {
			t.Fatalf("lldpcli custom-tlv: %v\n%s", err, out)
		}
	})
	p, err := Decode(rx)
	if err != nil {
		t.Fatalf("lldpd's LLDPDU %x: %v", rx, err)
	}
	if !slices.Equal(p.MACs, []MAC{macC1, macD1}) || p.TTL == 0 {
		t.Errorf("lldpd's LLDPDU decoded as %+v", p)
	}
	t.Logf("lldpd custom-tlv LLDPDU from chassis %s port %s decoded: MACs %v", p.ChassisID, p.PortID, p.MACs)
}

func keyValues(out string) map[string]string {
	m := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			m[k] = v
		}
	}
	return m
}

// The namespace side runs in a child copy of this test binary started by
// `ip netns exec`: switching a Go thread's namespace in-process is fragile.
const helperEnv = "VLTGW_LLDP_NS_HELPER"

func sendInNS(t *testing.T, ns, iface string, frame []byte) {
	t.Helper()
	cmd := exec.Command("ip", "netns", "exec", ns, os.Args[0], "-test.run=^TestNSHelper$")
	cmd.Env = append(os.Environ(), helperEnv+"=send:"+iface+":"+hex.EncodeToString(frame))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("send helper: %v\n%s", err, out)
	}
}

// recvInNS starts a receiver on iface, runs trigger once it is bound, and
// returns the first LLDP frame that carries a proxy-gateway TLV.
func recvInNS(t *testing.T, ns, iface string, trigger func()) []byte {
	t.Helper()
	cmd := exec.Command("ip", "netns", "exec", ns, os.Args[0], "-test.run=^TestNSHelper$")
	cmd.Env = append(os.Environ(), helperEnv+"=recv:"+iface+":")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Wait() }()
	sc := bufio.NewScanner(stdout)
	var other []string // the helper's own test output (its failure, if any)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "ready":
			trigger()
		case strings.HasPrefix(line, "frame "):
			b, err := hex.DecodeString(strings.TrimPrefix(line, "frame "))
			if err != nil {
				t.Fatal(err)
			}
			return b
		default:
			other = append(other, line)
		}
	}
	t.Fatalf("receive helper ended without a frame; its output:\n%s", strings.Join(other, "\n"))
	return nil
}

// TestNSHelper is not a test: it is the namespace side of
// TestLLDPDInterop, and does nothing unless that test started it.
func TestNSHelper(t *testing.T) {
	spec := os.Getenv(helperEnv)
	if spec == "" {
		return
	}
	mode, rest, _ := strings.Cut(spec, ":")
	iface, arg, _ := strings.Cut(rest, ":")
	fd, err := packetSocket(iface)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	switch mode {
	case "send":
		frame, err := hex.DecodeString(arg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := syscall.Write(fd, frame); err != nil {
			t.Fatalf("send on %s: %v", iface, err)
		}
	case "recv":
		tv := syscall.Timeval{Sec: 15}
		if err := syscall.SetsockoptTimeval(fd, syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, &tv); err != nil {
			t.Fatal(err)
		}
		fmt.Println("ready")
		buf := make([]byte, 9000)
		for {
			n, err := syscall.Read(fd, buf)
			if err == syscall.EINTR {
				// The Go runtime's preemption signal (SIGURG) interrupts a
				// blocking read; a busy machine makes that likely.
				continue
			}
			if err != nil {
				t.Fatalf("receive on %s: %v", iface, err)
			}
			if strings.Contains(string(buf[:n]), "\x00\x01\xe8\x01") {
				fmt.Println("frame " + hex.EncodeToString(buf[:n]))
				return
			}
		}
	}
}

// packetSocket opens an AF_PACKET socket bound to iface for LLDP frames.
func packetSocket(iface string) (int, error) {
	ifi, err := net.InterfaceByName(iface)
	if err != nil {
		return -1, err
	}
	proto := uint16(EtherType>>8) | uint16(EtherType&0xff)<<8 // network byte order
	fd, err := syscall.Socket(syscall.AF_PACKET, syscall.SOCK_RAW, int(proto))
	if err != nil {
		return -1, fmt.Errorf("AF_PACKET socket: %w", err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrLinklayer{Protocol: proto, Ifindex: ifi.Index}); err != nil {
		syscall.Close(fd)
		return -1, fmt.Errorf("bind to %s: %w", iface, err)
	}
	return fd, nil
}

// skipOutsideCI skips with reason on a developer machine but fails under
// CI=true, where the test's prerequisites are part of the contract.
func skipOutsideCI(t *testing.T, reason string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(reason + " (CI=true: this must run in CI)")
	}
	t.Skip(reason)
}
