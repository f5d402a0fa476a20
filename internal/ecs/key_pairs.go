package ecs

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// SSH key pairs are rows keyed by account, region and name. ecsd keeps the
// public key only: CreateKeyPair hands the private key out once and forgets
// it. Instances keep the name of the key pair they were made with, also
// after it is deleted (as ECS does).

// keyPairQuota is how many key pairs an account may have in a region
// (CreateKeyPair and ImportKeyPair documentation).
const keyPairQuota = 500

// importKeyTypes are the public key types ImportKeyPair takes (its
// documentation lists them).
var importKeyTypes = []string{
	"ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
	"ssh-rsa-cert-v00@openssh.com", "ssh-dss-cert-v00@openssh.com", "ssh-rsa-cert-v01@openssh.com", "ssh-dss-cert-v01@openssh.com",
	"ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ecdsa-sha2-nistp521-cert-v01@openssh.com",
}

// checkKeyPairName: 2 to 128 characters, starting with a letter, not with
// http:// or https://, of letters, digits, colons, underscores, periods
// and hyphens (InvalidKeyPairName.Malformed).
func checkKeyPairName(name string) error {
	r := []rune(name)
	ok := len(r) >= 2 && len(r) <= 128 && unicode.IsLetter(r[0]) && !webPrefix(name)
	for _, c := range r {
		ok = ok && (unicode.IsLetter(c) || unicode.IsDigit(c) || strings.ContainsRune(":_.-", c))
	}
	if !ok {
		return apierr.InvalidKeyPairNameMalformed.Newf("The specified KeyPairName %q is not valid: use 2 to 128 letters, digits, colons, underscores, periods and hyphens, starting with a letter.", name)
	}
	return nil
}

// ownKeyPair returns the account's key pair of that name in the region, or
// InvalidKeyPairName.NotFound.
func ownKeyPair(ctx context.Context, q store.Q, accountID, regionID, name string) (*store.KeyPair, error) {
	k, err := q.KeyPairGet(ctx, accountID, regionID, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apierr.InvalidKeyPairNameNotFound.Newf("The specified KeyPairName %q does not exist in region %s.", name, regionID)
	}
	return k, err
}

// addKeyPair stores a new key pair of the caller, in the order ECS checks:
// the name (InvalidKeyPairName.Malformed), the resource group
// (InvalidResourceGroup.NotFound), the quota (QuotaExceed.KeyPair), a
// unique name (KeyPair.AlreadyExist). The account row stays locked to the
// end of the transaction, so that concurrent calls count one after the
// other.
func (s *Service) addKeyPair(ctx context.Context, env *rpc.Env, regionID, name, resourceGroupID, publicKey string) (*store.KeyPair, error) {
	r, err := s.region(regionID)
	if err != nil {
		return nil, err
	}
	if err := checkKeyPairName(name); err != nil {
		return nil, err
	}
	blob, err := parsePublicKey(publicKey)
	if err != nil {
		return nil, err
	}
	k := &store.KeyPair{ID: newID("skp", r), AccountID: env.Caller.AccountID, RegionID: r.RegionId, Name: name,
		Fingerprint: fingerprint(blob), PublicKey: strings.TrimSpace(publicKey), CreationTime: env.Now}
	if k.ResourceGroupID, err = resourceGroupOf(ctx, env.Tx, env.Caller.AccountID, resourceGroupID, env.Now); err != nil {
		return nil, err
	}
	if _, err := env.Tx.AccountLock(ctx, env.Caller.AccountID); err != nil {
		return nil, err
	}
	have, err := env.Tx.KeyPairList(ctx, env.Caller.AccountID, r.RegionId)
	if err != nil {
		return nil, err
	}
	if len(have) >= keyPairQuota {
		return nil, apierr.QuotaExceedKeyPair.Newf("The key pair quota exceeds: an account has at most %d key pairs in a region.", keyPairQuota)
	}
	if err := env.Tx.KeyPairInsert(ctx, k); errors.Is(err, store.ErrConflict) {
		return nil, apierr.KeyPairAlreadyExist.Newf("The key pair %q already exists in region %s.", name, r.RegionId)
	} else if err != nil {
		return nil, err
	}
	return k, nil
}

// parsePublicKey reads an OpenSSH public key ("type base64 [comment]") of a
// type ImportKeyPair takes and returns its wire form
// (InvalidPublicKeyBody.Malformed).
func parsePublicKey(body string) ([]byte, error) {
	bad := func(why string) error {
		return apierr.InvalidPublicKeyBodyMalformed.Newf("The PublicKeyBody format is not supported: %s. Give one OpenSSH public key, \"ssh-rsa AAAA… [comment]\".", why)
	}
	fields := strings.Fields(body)
	if len(fields) < 2 {
		return nil, bad("it is not \"type base64 [comment]\"")
	}
	if !slices.Contains(importKeyTypes, fields[0]) {
		return nil, bad(fmt.Sprintf("the key type %q is not one of %s", fields[0], strings.Join(importKeyTypes[:5], ", ")))
	}
	blob, err := base64.StdEncoding.DecodeString(fields[1])
	if err != nil {
		return nil, bad("the key is not Base64")
	}
	// The wire form starts with the type again; an RSA key then has its
	// exponent and modulus.
	parts, ok := sshStrings(blob)
	if !ok || len(parts) < 2 || string(parts[0]) != fields[0] || (fields[0] == "ssh-rsa" && (len(parts) != 3 || len(parts[2]) < 64)) {
		return nil, bad("the key data does not hold a " + fields[0] + " key")
	}
	return blob, nil
}

// sshStrings splits SSH wire data into its length-prefixed strings.
func sshStrings(b []byte) ([][]byte, bool) {
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 4 {
			return nil, false
		}
		n := binary.BigEndian.Uint32(b)
		if uint64(n) > uint64(len(b)-4) {
			return nil, false
		}
		out = append(out, b[4:4+n])
		b = b[4+n:]
	}
	return out, true
}

// fingerprint is the MD5 fingerprint of RFC 4716 that ECS reports: the
// digest of the key's wire form, as colon-separated hex.
func fingerprint(blob []byte) string {
	sum := md5.Sum(blob)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02x", b)
	}
	return strings.Join(parts, ":")
}

// newRSAKeyPair hands out a 2048-bit RSA key pair, as CreateKeyPair does:
// the private key as unencrypted PKCS#8 PEM, the public key in OpenSSH form.
func newRSAKeyPair() (privatePEM, public string, err error) {
	key, err := nextRSAKey()
	if err != nil {
		return "", "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", "", err
	}
	var blob []byte
	for _, part := range [][]byte{[]byte("ssh-rsa"), mpint(big.NewInt(int64(key.E))), mpint(key.N)} {
		blob = binary.BigEndian.AppendUint32(blob, uint32(len(part)))
		blob = append(blob, part...)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), "ssh-rsa " + base64.StdEncoding.EncodeToString(blob), nil
}

// rsaKeys holds RSA keys made ahead by one goroutine, started on the first
// CreateKeyPair: making a key takes about a fifth of a second, and
// CreateKeyPair runs in its write transaction (on SQLite, the one write
// lock). Only when calls come faster than that is a key made in the call.
var (
	rsaKeys     = make(chan *rsa.PrivateKey, 4)
	rsaKeysOnce sync.Once
)

func nextRSAKey() (*rsa.PrivateKey, error) {
	rsaKeysOnce.Do(func() {
		go func() {
			for {
				if k, err := rsa.GenerateKey(rand.Reader, 2048); err == nil {
					rsaKeys <- k
				}
			}
		}()
	})
	select {
	case k := <-rsaKeys:
		return k, nil
	default:
		return rsa.GenerateKey(rand.Reader, 2048)
	}
}

// mpint is a positive integer as SSH writes it: big-endian, with a zero
// byte in front when the top bit is set.
func mpint(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) > 0 && b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return b
}
