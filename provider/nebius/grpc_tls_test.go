package nebius_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	"github.com/driftless/driftless/fakes"
	"github.com/driftless/driftless/fakes/emulators"
	"github.com/driftless/driftless/hoststate"
	"github.com/driftless/driftless/provider"
	"github.com/driftless/driftless/provider/nebius"
)

// selfSigned returns a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "nebius emulator"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, pool
}

func TestGRPCOverTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	cloud := fakes.NewCloud(nil, 1)
	emu, err := emulators.NewNebiusGRPC(cloud, grpcToken,
		grpc.Creds(credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})))
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	host := provider.Host{Project: "project-e00abc", Instance: "computeinstance-e00a1", Volume: "computedisk-e00a1"}
	if err := emu.AddHost(host, true); err != nil {
		t.Fatal(err)
	}

	// The emulator's certificate is trusted: the token travels, Insecure
	// is not needed.
	c, err := nebius.Dial(context.Background(), nebius.GRPCConfig{
		Endpoint: emu.Addr(), TLS: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, Token: nebius.StaticToken(grpcToken),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p, err := nebius.New(c.Instances(), c.Disks(), nebius.Config{})
	if err != nil {
		t.Fatal(err)
	}
	obs, err := p.Probe(context.Background(), host)
	if err != nil || obs.VM != hoststate.VMRunning {
		t.Fatalf("Probe over TLS = %+v, %v", obs, err)
	}

	// With the system roots the self-signed certificate is refused.
	untrusting, err := nebius.Dial(context.Background(), nebius.GRPCConfig{Endpoint: emu.Addr(), Token: nebius.StaticToken(grpcToken), CallTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer untrusting.Close()
	if _, err := untrusting.Instances().Get(context.Background(), host.Instance); status.Code(err) != codes.Unavailable {
		t.Errorf("an untrusted certificate: %v, want Unavailable", err)
	}
	if n := cloud.Calls(fakes.Nebius).Total(); n != 2 {
		t.Errorf("%d calls reached the cloud, want the probe's 2", n)
	}
}
