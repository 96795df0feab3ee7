package peer

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	_ "google.golang.org/grpc/health" // client-side health checking, for ChannelConfig.health_check
	"google.golang.org/grpc/keepalive"
	"google.golang.org/protobuf/proto"

	interopv1 "grpcinterop.dev/go-peer/gen/interop/v1"
)

// RunCall reports large responses (Statistics with its sorted values), so its client accepts more
// than gRPC's default 4 MiB. The peer's server keeps the default.
const maxReceiveBytes = 64 * 1024 * 1024

var loadBalancingPolicies = map[string]bool{"": true, "pick_first": true, "round_robin": true}

// channels are RunCall's client connections: one per target and ChannelConfig, so that calls to
// one target with one config share an HTTP/2 connection.
type channels struct {
	mu    sync.Mutex
	conns map[string]*grpc.ClientConn
}

func newChannels() *channels {
	return &channels{conns: make(map[string]*grpc.ClientConn)}
}

// checkChannel refuses a ChannelConfig for the problems RunCall's rulebook lists, in its order;
// what only building the credentials finds (a PEM that does not parse) dialOptions refuses later.
func checkChannel(config *interopv1.ChannelConfig) error {
	if policy := config.GetLoadBalancingPolicy(); !loadBalancingPolicies[policy] {
		return fmt.Errorf(`unknown load_balancing_policy "%s" (use "", "pick_first" or "round_robin")`, policy)
	}
	if tlsConfig := config.GetTls(); tlsConfig != nil {
		if len(tlsConfig.GetCaCert()) == 0 {
			return errors.New("tls: ca_cert is required")
		}
		if (len(tlsConfig.GetClientCert()) == 0) != (len(tlsConfig.GetClientKey()) == 0) {
			return errors.New("tls: client_cert and client_key go together")
		}
	}
	return nil
}

// dialOptions turns a ChannelConfig that checkChannel passed into grpc-go's options; the error
// says what is wrong.
func dialOptions(config *interopv1.ChannelConfig) ([]grpc.DialOption, error) {
	options := []grpc.DialOption{grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxReceiveBytes))}
	creds, err := transportCredentials(config.GetTls())
	if err != nil {
		return nil, err
	}
	options = append(options, grpc.WithTransportCredentials(creds))

	serviceConfig := map[string]any{}
	if policy := config.GetLoadBalancingPolicy(); policy != "" {
		serviceConfig["loadBalancingConfig"] = []any{map[string]any{policy: map[string]any{}}}
	}
	if config.GetHealthCheck() {
		serviceConfig["healthCheckConfig"] = map[string]any{"serviceName": ""}
	}
	if len(serviceConfig) > 0 {
		encoded, _ := json.Marshal(serviceConfig)
		options = append(options, grpc.WithDefaultServiceConfig(string(encoded)))
	}

	if ka := config.GetKeepalive(); ka != nil {
		// grpc-go raises a time below 10 s to 10 s (README.md, "Where grpc-go behaves in its own way").
		params := keepalive.ClientParameters{Time: ka.GetTime().AsDuration(), PermitWithoutStream: ka.GetPermitWithoutCalls()}
		if ka.GetTimeout() != nil {
			params.Timeout = ka.GetTimeout().AsDuration()
		}
		options = append(options, grpc.WithKeepaliveParams(params))
	}
	return options, nil
}

func transportCredentials(config *interopv1.Tls) (credentials.TransportCredentials, error) {
	if config == nil {
		return insecure.NewCredentials(), nil
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(config.GetCaCert()) {
		return nil, errors.New("tls: ca_cert holds no PEM certificate")
	}
	// No ServerName: grpc-go checks the server's certificate against the host in the target.
	tlsConfig := &tls.Config{RootCAs: roots}
	if len(config.GetClientCert()) > 0 {
		certificate, err := tls.X509KeyPair(config.GetClientCert(), config.GetClientKey())
		if err != nil {
			return nil, fmt.Errorf("tls: client certificate: %v", err)
		}
		tlsConfig.Certificates = []tls.Certificate{certificate}
	}
	return credentials.NewTLS(tlsConfig), nil
}

// get is the connection for target and config, made on first use with options from dialOptions.
func (c *channels) get(target string, config *interopv1.ChannelConfig, options []grpc.DialOption) (*grpc.ClientConn, error) {
	// Deterministic bytes: equal configs are equal keys, whatever order their fields were set in.
	encoded, err := proto.MarshalOptions{Deterministic: true}.Marshal(config)
	if err != nil {
		return nil, err
	}
	key := target + "\x00" + string(encoded)
	c.mu.Lock()
	defer c.mu.Unlock()
	if conn, ok := c.conns[key]; ok {
		return conn, nil
	}
	conn, err := grpc.NewClient(target, options...)
	if err != nil {
		return nil, err
	}
	c.conns[key] = conn
	return conn, nil
}

func (c *channels) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, conn := range c.conns {
		conn.Close()
		delete(c.conns, key)
	}
}
