package vs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	halv1 "github.com/vltgw/vltgw/proto/hal/v1"
	vsv1 "github.com/vltgw/vltgw/proto/vs/v1"
)

// TestNoGoroutineLeak: a served switch with UDP wires, open Subscribe and
// PacketIO streams and its aging loop leaves no goroutine behind.
func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		addrs := freeUDPAddrs(t, 2)
		cfg := &Config{SwitchMAC: testMAC, UDPHello: 20 * time.Millisecond, Ports: []PortConfig{
			{Name: "Ethernet0", Lanes: []uint32{0}, Wire: WireConfig{Type: WireUDP, Local: addrs[0], Peer: addrs[1]}},
			{Name: "Ethernet4", Lanes: []uint32{4}, Wire: WireConfig{Type: WireUDP, Local: addrs[1], Peer: addrs[0]}},
		}}
		sw, err := New(cfg, Options{Logger: zerolog.Nop(), AgingInterval: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		dir := shortTempDir(t)
		srv, err := Listen(sw, ServeOptions{HALSocket: filepath.Join(dir, "hal.sock"), ControlSocket: filepath.Join(dir, "ctl.sock")})
		if err != nil {
			t.Fatal(err)
		}
		srv.Start()
		cc, err := grpc.NewClient("unix://"+filepath.Join(dir, "hal.sock"), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		ctx := testCtx(t)
		hal := halv1.NewHalClient(cc)
		ev, err := hal.Subscribe(ctx, &halv1.SubscribeRequest{})
		if err != nil {
			t.Fatal(err)
		}
		pio, err := hal.PacketIO(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ev.Recv(); err != nil { // the first oper snapshot: the stream is up
			t.Fatal(err)
		}
		waitFor(t, "PacketIO stream", func() bool { return sw.punts.len() == 1 })
		sw.Close()
		srv.Stop(time.Second)
		for {
			if _, err := ev.Recv(); err != nil {
				break
			}
		}
		_, _ = pio.Recv()
		cc.Close()
		if _, err := os.Stat(filepath.Join(dir, "hal.sock")); !os.IsNotExist(err) {
			t.Errorf("socket file left behind: %v", err)
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:n])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeTCPNeedsTLS: TCP is refused without a key pair and served
// with one.
func TestServeTCPNeedsTLS(t *testing.T) {
	sw, err := New(testConfig(1), Options{Logger: zerolog.Nop(), AgingInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sw.Close()
	if _, err := Listen(sw, ServeOptions{TCPAddr: "127.0.0.1:0"}); err == nil || !strings.Contains(err.Error(), "tls") {
		t.Fatalf("TCP without TLS: %v", err)
	}
	dir := shortTempDir(t)
	certFile, keyFile, pool := selfSigned(t, dir)
	srv, err := Listen(sw, ServeOptions{TCPAddr: "127.0.0.1:0", TLSCert: certFile, TLSKey: keyFile})
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	defer srv.Stop(time.Second)
	cc, err := grpc.NewClient(srv.Addrs()[0], grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool, ServerName: "vsd"})))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	hello, err := halv1.NewHalClient(cc).Hello(testCtx(t), &halv1.HelloRequest{Client: "tls-test"})
	if err != nil || hello.GetSessionId() != sw.Session() {
		t.Fatalf("hello over TLS: %v %v", hello, err)
	}
	// The control service is not on TCP.
	if _, err := vsv1.NewVsControlClient(cc).Counters(testCtx(t), &vsv1.CountersRequest{}); err == nil {
		t.Error("control service reachable over TCP")
	}
}

func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "vsd"}, DNSNames: []string{"vsd"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestSocketModeAndInUse: the HAL socket is 0660; a second server on a
// socket in use is refused, a stale socket file is replaced.
func TestSocketModeAndInUse(t *testing.T) {
	s := serveSwitch(t, testConfig(1), Options{Logger: zerolog.Nop()})
	path := filepath.Join(s.dir, "hal.sock")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o660 {
		t.Errorf("socket mode %v, want 0660", fi.Mode().Perm())
	}
	if _, err := Listen(s.sw, ServeOptions{HALSocket: path}); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("second server on a live socket: %v", err)
	}
	stale := filepath.Join(s.dir, "stale.sock")
	l, err := net.Listen("unix", stale)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	srv, err := Listen(s.sw, ServeOptions{HALSocket: stale})
	if err != nil {
		t.Fatalf("stale socket not replaced: %v", err)
	}
	srv.Stop(time.Second)
}
