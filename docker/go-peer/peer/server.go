// Package peer is the Go peer's server: the calculator, the peer control service, health and
// reflection, on a plaintext port and on a TLS port when given a certificate.
package peer

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log"
	"net"
	"os"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	_ "google.golang.org/grpc/encoding/gzip" // gzip requests in, gzip responses on request
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/reflection"

	"grpcinterop.dev/go-peer/calculator"
	calculatorv1 "grpcinterop.dev/go-peer/gen/calculator/v1"
	interopv1 "grpcinterop.dev/go-peer/gen/interop/v1"
)

// ShutdownGrace is how long calls in flight get to finish once a shutdown starts.
const ShutdownGrace = 5 * time.Second

// Config is how the server is started.
type Config struct {
	// Port is the plaintext port, on every interface; 0 picks a free one.
	Port     int
	ServerID string
	// TLS, when set, serves every service on a second port too.
	TLS *TLSConfig
	// KeepalivePermitTime, when set, permits client pings that often, with or without calls in
	// flight; unset, grpc-go's own policy holds (one ping in 5 minutes, and only during calls).
	KeepalivePermitTime time.Duration
}

type TLSConfig struct {
	Port              int
	CertFile, KeyFile string
	// ClientCAFile, when set, makes the TLS port require client certificates that CA signed.
	ClientCAFile string
}

// Server holds one grpc.Server per port: grpc-go binds credentials to a server, not to a listener.
type Server struct {
	plaintext, secure *grpc.Server
	listeners         map[*grpc.Server]net.Listener
	serving           *serving
	runner            *CallRunner
}

func NewServer(config Config) (*Server, error) {
	s := &Server{
		listeners: make(map[*grpc.Server]net.Listener),
		serving:   newServing(calculatorv1.CalculatorService_ServiceDesc.ServiceName, interopv1.PeerControlService_ServiceDesc.ServiceName),
		runner:    NewCallRunner(),
	}
	interceptor := &callInterceptor{serverID: config.ServerID, calls: NewServerCallLog(10_000)}
	control := &controlService{runner: s.runner, calls: interceptor.calls, serving: s.serving}
	// grpc-go's default 4 MiB limit on received messages stays, as in every peer.
	options := []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(interceptor.unary),
		grpc.ChainStreamInterceptor(interceptor.stream),
	}
	if config.KeepalivePermitTime > 0 {
		options = append(options, grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
			MinTime: config.KeepalivePermitTime, PermitWithoutStream: true,
		}))
	}
	newServer := func(extra ...grpc.ServerOption) *grpc.Server {
		server := grpc.NewServer(append(extra, options...)...)
		calculatorv1.RegisterCalculatorServiceServer(server, calculator.Service{})
		interopv1.RegisterPeerControlServiceServer(server, control)
		healthpb.RegisterHealthServer(server, s.serving.health)
		reflection.Register(server) // v1 and v1alpha
		return server
	}

	s.plaintext = newServer()
	if err := s.listen(s.plaintext, config.Port); err != nil {
		return nil, err
	}
	if config.TLS != nil {
		creds, err := serverCredentials(config.TLS)
		if err != nil {
			return nil, err
		}
		s.secure = newServer(grpc.Creds(creds))
		if err := s.listen(s.secure, config.TLS.Port); err != nil {
			s.plaintext.Stop()
			return nil, err
		}
	}
	return s, nil
}

func (s *Server) listen(server *grpc.Server, port int) error {
	listener, err := net.Listen("tcp", fmt.Sprintf("0.0.0.0:%d", port))
	if err != nil {
		return err
	}
	s.listeners[server] = listener
	return nil
}

func serverCredentials(config *TLSConfig) (credentials.TransportCredentials, error) {
	certificate, err := tls.LoadX509KeyPair(config.CertFile, config.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate: %w", err)
	}
	tlsConfig := &tls.Config{Certificates: []tls.Certificate{certificate}}
	if config.ClientCAFile != "" {
		pem, err := os.ReadFile(config.ClientCAFile)
		if err != nil {
			return nil, fmt.Errorf("TLS client CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("TLS client CA: no certificate in %s", config.ClientCAFile)
		}
		tlsConfig.ClientCAs = pool
		tlsConfig.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return credentials.NewTLS(tlsConfig), nil
}

// Port is the plaintext port the server listens on.
func (s *Server) Port() int {
	return s.listeners[s.plaintext].Addr().(*net.TCPAddr).Port
}

// TLSPort is the TLS port, 0 when there is none.
func (s *Server) TLSPort() int {
	if s.secure == nil {
		return 0
	}
	return s.listeners[s.secure].Addr().(*net.TCPAddr).Port
}

// Serve reports SERVING and serves until Stop.
func (s *Server) Serve() {
	s.serving.set(true)
	done := make(chan struct{}, len(s.listeners))
	for server, listener := range s.listeners {
		go func() {
			if err := server.Serve(listener); err != nil {
				log.Printf("serving on %s: %v", listener.Addr(), err)
			}
			done <- struct{}{}
		}()
	}
	for range s.listeners {
		<-done
	}
}

// Stop reports NOT_SERVING, refuses new calls, gives calls in flight the grace period and then
// cancels what is left.
func (s *Server) Stop(grace time.Duration) {
	s.serving.shutDown()
	stopped := make(chan struct{})
	go func() {
		var servers sync.WaitGroup
		for server := range s.listeners {
			servers.Go(server.GracefulStop)
		}
		servers.Wait()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(grace):
		for server := range s.listeners {
			server.Stop()
		}
		<-stopped
	}
	s.runner.Close()
}
