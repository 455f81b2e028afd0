package webcrypto

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/rsa"
	consttime "crypto/subtle"
	"encoding/json"
	"math/big"

	"github.com/grafana/sobek"
)

var cryptoHashes = map[string]crypto.Hash{"SHA-1": crypto.SHA1, "SHA-256": crypto.SHA256, "SHA-384": crypto.SHA384, "SHA-512": crypto.SHA512}

func digestOf(hash string, data []byte) []byte {
	h := hashFunc(hash)()
	h.Write(data)
	return h.Sum(nil)
}

// ---- sign / verify ---------------------------------------------------------------------

func (s *subtle) sign(call sobek.FunctionCall) sobek.Value {
	a := s.alg(call.Argument(0), "the algorithm")
	k := s.keyArg(call.Argument(1), "the key")
	useKey(k, a, "sign")
	data := s.bufferSource(call.Argument(2), "the data")
	return s.arrayBuffer(s.signature(a, k, data))
}

func (s *subtle) signature(a algorithm, k *key, data []byte) []byte {
	switch a.name {
	case "HMAC":
		m := hmac.New(hashFunc(k.hash), k.secret)
		m.Write(data)
		return m.Sum(nil)
	case "ECDSA":
		priv := k.priv.(*ecdsa.PrivateKey)
		r, sv, err := ecdsa.Sign(rand.Reader, priv, digestOf(s.hashAlg(a, "hash"), data))
		if err != nil {
			fail("OperationError", "ECDSA: %v", err)
		}
		size := (priv.Curve.Params().BitSize + 7) / 8
		// WebCrypto's ECDSA signature is r and s side by side, each the curve's size.
		out := make([]byte, 2*size)
		r.FillBytes(out[:size])
		sv.FillBytes(out[size:])
		return out
	case "Ed25519":
		return ed25519.Sign(k.priv.(ed25519.PrivateKey), data)
	case "RSASSA-PKCS1-v1_5":
		b, err := rsa.SignPKCS1v15(rand.Reader, k.priv.(*rsa.PrivateKey), cryptoHashes[k.hash], digestOf(k.hash, data))
		if err != nil {
			fail("OperationError", "%s: %v", a.name, err)
		}
		return b
	case "RSA-PSS":
		salt := a.integer("saltLength", true, 0)
		if salt == 0 {
			fail("NotSupportedError", "RSA-PSS: a saltLength of 0 is not supported; use the hash's length (32 for SHA-256)")
		}
		b, err := rsa.SignPSS(rand.Reader, k.priv.(*rsa.PrivateKey), cryptoHashes[k.hash], digestOf(k.hash, data), &rsa.PSSOptions{SaltLength: int(salt)})
		if err != nil {
			fail("OperationError", "%s: %v", a.name, err)
		}
		return b
	}
	fail("NotSupportedError", "%s cannot sign", a.name)
	return nil
}

func (s *subtle) verify(call sobek.FunctionCall) sobek.Value {
	a := s.alg(call.Argument(0), "the algorithm")
	k := s.keyArg(call.Argument(1), "the key")
	useKey(k, a, "verify")
	sig := s.bufferSource(call.Argument(2), "the signature")
	data := s.bufferSource(call.Argument(3), "the data")
	var ok bool
	switch a.name {
	case "HMAC":
		ok = hmac.Equal(s.signature(a, k, data), sig)
	case "ECDSA":
		pub := k.pub.(*ecdsa.PublicKey)
		size := (pub.Curve.Params().BitSize + 7) / 8
		d := digestOf(s.hashAlg(a, "hash"), data)
		ok = len(sig) == 2*size && ecdsa.Verify(pub, d, new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:]))
	case "Ed25519":
		ok = ed25519.Verify(k.pub.(ed25519.PublicKey), data, sig)
	case "RSASSA-PKCS1-v1_5":
		ok = rsa.VerifyPKCS1v15(k.rsaPublic(), cryptoHashes[k.hash], digestOf(k.hash, data), sig) == nil
	case "RSA-PSS":
		salt := a.integer("saltLength", true, 0)
		opts := &rsa.PSSOptions{SaltLength: int(salt)}
		if salt == 0 {
			opts.SaltLength = rsa.PSSSaltLengthAuto
		}
		ok = rsa.VerifyPSS(k.rsaPublic(), cryptoHashes[k.hash], digestOf(k.hash, data), sig, opts) == nil
	default:
		fail("NotSupportedError", "%s cannot verify", a.name)
	}
	return s.rt.ToValue(ok)
}

// ---- encrypt / decrypt -----------------------------------------------------------------

func (s *subtle) encrypt(call sobek.FunctionCall) sobek.Value {
	a := s.alg(call.Argument(0), "the algorithm")
	k := s.keyArg(call.Argument(1), "the key")
	useKey(k, a, "encrypt")
	return s.arrayBuffer(s.cipher(a, k, s.bufferSource(call.Argument(2), "the data"), true))
}

func (s *subtle) decrypt(call sobek.FunctionCall) sobek.Value {
	a := s.alg(call.Argument(0), "the algorithm")
	k := s.keyArg(call.Argument(1), "the key")
	useKey(k, a, "decrypt")
	return s.arrayBuffer(s.cipher(a, k, s.bufferSource(call.Argument(2), "the data"), false))
}

func (s *subtle) cipher(a algorithm, k *key, data []byte, encrypt bool) []byte {
	if a.name == "RSA-OAEP" {
		var label []byte
		if v := a.get("label", false); !isNullish(v) {
			label = s.bufferSource(v, "RSA-OAEP: label")
		}
		h := hashFunc(k.hash)()
		if encrypt {
			b, err := rsa.EncryptOAEP(h, rand.Reader, k.rsaPublic(), data, label)
			if err != nil {
				fail("OperationError", "RSA-OAEP: %v", err)
			}
			return b
		}
		b, err := rsa.DecryptOAEP(h, nil, k.priv.(*rsa.PrivateKey), data, label)
		if err != nil {
			fail("OperationError", "RSA-OAEP: the data could not be decrypted with this key and label")
		}
		return b
	}
	block, err := aes.NewCipher(k.secret)
	if err != nil {
		fail("OperationError", "%s: %v", a.name, err)
	}
	switch a.name {
	case "AES-GCM":
		return s.gcm(a, block, data, encrypt)
	case "AES-CBC":
		iv := s.bufferSource(a.get("iv", true), "AES-CBC: iv")
		if len(iv) != aes.BlockSize {
			fail("OperationError", "AES-CBC: the iv must have 16 bytes, not %d", len(iv))
		}
		if encrypt {
			n := aes.BlockSize - len(data)%aes.BlockSize
			padded := append(append([]byte(nil), data...), make([]byte, n)...)
			for i := len(data); i < len(padded); i++ {
				padded[i] = byte(n)
			}
			cipher.NewCBCEncrypter(block, iv).CryptBlocks(padded, padded)
			return padded
		}
		if len(data) == 0 || len(data)%aes.BlockSize != 0 {
			fail("OperationError", "AES-CBC: the data has %d bytes, not a whole number of 16-byte blocks", len(data))
		}
		out := make([]byte, len(data))
		cipher.NewCBCDecrypter(block, iv).CryptBlocks(out, data)
		n := int(out[len(out)-1])
		bad := 0
		if n == 0 || n > aes.BlockSize {
			bad = 1
			n = 1
		}
		for _, b := range out[len(out)-n:] {
			bad |= consttime.ConstantTimeByteEq(b, byte(n)) ^ 1
		}
		if bad != 0 {
			fail("OperationError", "AES-CBC: the padding is wrong (another key or iv, or altered data)")
		}
		return out[:len(out)-n]
	case "AES-CTR":
		return s.ctr(a, block, data)
	}
	fail("NotSupportedError", "%s cannot encrypt or decrypt", a.name)
	return nil
}

func (s *subtle) gcm(a algorithm, block cipher.Block, data []byte, encrypt bool) []byte {
	iv := s.bufferSource(a.get("iv", true), "AES-GCM: iv")
	var ad []byte
	if v := a.get("additionalData", false); !isNullish(v) {
		ad = s.bufferSource(v, "AES-GCM: additionalData")
	}
	tag := a.integer("tagLength", false, 128)
	switch tag {
	case 32, 64, 96, 104, 112, 120, 128:
	default:
		fail("OperationError", "AES-GCM: tagLength must be 32, 64, 96, 104, 112, 120 or 128, not %d", tag)
	}
	if len(iv) == 0 {
		fail("OperationError", "AES-GCM: the iv is empty")
	}
	var aead cipher.AEAD
	var err error
	switch {
	case tag == 128 && len(iv) != 12:
		aead, err = cipher.NewGCMWithNonceSize(block, len(iv))
	case len(iv) == 12 && tag >= 96:
		aead, err = cipher.NewGCMWithTagSize(block, int(tag/8))
	default:
		fail("NotSupportedError", "AES-GCM: a %d-bit tag with a %d-byte iv is not supported; use a 12-byte iv and a tag of 96 bits or more", tag, len(iv))
	}
	if err != nil {
		fail("OperationError", "AES-GCM: %v", err)
	}
	if encrypt {
		return aead.Seal(nil, iv, data, ad)
	}
	out, err := aead.Open(nil, iv, data, ad)
	if err != nil {
		fail("OperationError", "AES-GCM: the data could not be authenticated (another key, iv or additionalData, or altered data)")
	}
	return out
}

// ctr is AES-CTR as WebCrypto defines it: only the counter block's rightmost `length` bits
// count up, and they wrap without touching the rest of the block.
func (s *subtle) ctr(a algorithm, block cipher.Block, data []byte) []byte {
	counter := s.bufferSource(a.get("counter", true), "AES-CTR: counter")
	if len(counter) != aes.BlockSize {
		fail("OperationError", "AES-CTR: the counter must have 16 bytes, not %d", len(counter))
	}
	bits := a.integer("length", true, 0)
	if bits < 1 || bits > 128 {
		fail("OperationError", "AES-CTR: length must be 1 to 128 bits, not %d", bits)
	}
	blocks := (len(data) + aes.BlockSize - 1) / aes.BlockSize
	if bits < 64 && uint64(blocks) > uint64(1)<<bits {
		fail("OperationError", "AES-CTR: %d blocks would reuse the %d-bit counter", blocks, bits)
	}
	mod := new(big.Int).Lsh(big.NewInt(1), uint(bits))
	full := new(big.Int).SetBytes(counter)
	low := new(big.Int).Mod(full, mod)
	high := new(big.Int).Sub(full, low)
	out := make([]byte, len(data))
	ks := make([]byte, aes.BlockSize)
	cb := make([]byte, aes.BlockSize)
	one := big.NewInt(1)
	for i := 0; i < len(data); i += aes.BlockSize {
		new(big.Int).Add(high, low).FillBytes(cb)
		block.Encrypt(ks, cb)
		for j := i; j < len(data) && j < i+aes.BlockSize; j++ {
			out[j] = data[j] ^ ks[j-i]
		}
		low.Add(low, one).Mod(low, mod)
	}
	return out
}

// ---- deriveBits / deriveKey ------------------------------------------------------------

func (s *subtle) deriveBits(call sobek.FunctionCall) sobek.Value {
	a := s.alg(call.Argument(0), "the algorithm")
	k := s.keyArg(call.Argument(1), "the base key")
	useKey(k, a, "deriveBits")
	length := call.Argument(2)
	if isNullish(length) {
		return s.arrayBuffer(s.derive(a, k, -1))
	}
	n := length.ToInteger()
	if n < 0 {
		fail("OperationError", "the length must be a positive number of bits, not %d", n)
	}
	return s.arrayBuffer(s.derive(a, k, n))
}

// derive returns bits bits from the base key (all the shared secret when bits is -1).
func (s *subtle) derive(a algorithm, k *key, bits int64) []byte {
	switch a.name {
	case "ECDH", "X25519":
		pk := s.keyArg(a.get("public", true), a.name+": public")
		if pk.typ != "public" || pk.alg != a.name {
			fail("InvalidAccessError", "%s: public must be a %s public key, not a %s %s key", a.name, a.name, pk.alg, pk.typ)
		}
		var secret []byte
		var err error
		if a.name == "X25519" {
			secret, err = k.priv.(*ecdh.PrivateKey).ECDH(pk.pub.(*ecdh.PublicKey))
		} else {
			if pk.curve != k.curve {
				fail("InvalidAccessError", "ECDH: the public key is on %s and the private key on %s", pk.curve, k.curve)
			}
			priv, err1 := k.priv.(*ecdsa.PrivateKey).ECDH()
			pub, err2 := pk.pub.(*ecdsa.PublicKey).ECDH()
			if err1 != nil || err2 != nil {
				fail("OperationError", "ECDH: the keys cannot be used for ECDH")
			}
			secret, err = priv.ECDH(pub)
		}
		if err != nil {
			fail("OperationError", "%s: %v", a.name, err)
		}
		if bits < 0 {
			return secret
		}
		if bits > int64(len(secret))*8 {
			fail("OperationError", "%s: %d bits asked for; the shared secret has %d", a.name, bits, len(secret)*8)
		}
		out := secret[:(bits+7)/8]
		if r := bits % 8; r != 0 {
			out[len(out)-1] &= byte(0xff << (8 - r))
		}
		return out
	case "PBKDF2", "HKDF":
		if bits <= 0 || bits%8 != 0 {
			fail("OperationError", "%s: the length must be a positive multiple of 8 bits, not %d", a.name, bits)
		}
		h := s.hashAlg(a, "hash")
		salt := s.bufferSource(a.get("salt", true), a.name+": salt")
		var out []byte
		var err error
		if a.name == "PBKDF2" {
			iter := a.integer("iterations", true, 0)
			if iter == 0 {
				fail("OperationError", "PBKDF2: iterations must be at least 1")
			}
			out, err = pbkdf2.Key(hashFunc(h), string(k.secret), salt, int(iter), int(bits/8))
		} else {
			info := s.bufferSource(a.get("info", true), "HKDF: info")
			out, err = hkdf.Key(hashFunc(h), k.secret, salt, string(info), int(bits/8))
		}
		if err != nil {
			fail("OperationError", "%s: %v", a.name, err)
		}
		return out
	}
	fail("NotSupportedError", "%s cannot derive bits", a.name)
	return nil
}

func (s *subtle) deriveKey(call sobek.FunctionCall) sobek.Value {
	a := s.alg(call.Argument(0), "the algorithm")
	k := s.keyArg(call.Argument(1), "the base key")
	useKey(k, a, "deriveKey")
	target := s.alg(call.Argument(2), "the derived key's algorithm")
	var bits int64
	switch target.name {
	case "AES-GCM", "AES-CBC", "AES-CTR", "AES-KW":
		bits = int64(aesLength(target) * 8)
	case "HMAC":
		bits = int64(hmacLength(target, s.hashAlg(target, "hash")) * 8)
	case "HKDF", "PBKDF2":
		bits = -1
	default:
		fail("NotSupportedError", "deriveKey cannot make a %s key", target.name)
	}
	if bits < 0 && a.name != "ECDH" && a.name != "X25519" {
		fail("OperationError", "%s cannot derive a %s key of no set length", a.name, target.name)
	}
	raw := s.derive(a, k, bits)
	dk := s.importAs("raw", s.arrayBuffer(raw), target, call.Argument(3).ToBoolean(), s.readUsages(call.Argument(4)))
	return s.object(dk)
}

// ---- wrapKey / unwrapKey ---------------------------------------------------------------

// wrapKey exports a key and encrypts the export with another key (AES-GCM, AES-CBC,
// AES-CTR or RSA-OAEP; a jwk export is encrypted as its JSON text).
func (s *subtle) wrapKey(call sobek.FunctionCall) sobek.Value {
	format := call.Argument(0).String()
	wrapping := s.keyArg(call.Argument(2), "the wrapping key")
	a := s.alg(call.Argument(3), "the wrapping algorithm")
	useKey(wrapping, a, "wrapKey")
	exported := s.exportKey(sobek.FunctionCall{Arguments: []sobek.Value{call.Argument(0), call.Argument(1)}})
	var data []byte
	if format == "jwk" {
		j, err := json.Marshal(exported.Export())
		if err != nil {
			fail("OperationError", "%v", err)
		}
		data = j
	} else {
		data = s.bufferSource(exported, "the exported key")
	}
	if a.name == "AES-KW" {
		fail("NotSupportedError", "AES-KW is not supported for wrapping; use AES-GCM")
	}
	return s.arrayBuffer(s.cipher(a, wrapping, data, true))
}

func (s *subtle) unwrapKey(call sobek.FunctionCall) sobek.Value {
	format := call.Argument(0).String()
	wrapped := s.bufferSource(call.Argument(1), "the wrapped key")
	unwrapping := s.keyArg(call.Argument(2), "the unwrapping key")
	a := s.alg(call.Argument(3), "the unwrapping algorithm")
	useKey(unwrapping, a, "unwrapKey")
	if a.name == "AES-KW" {
		fail("NotSupportedError", "AES-KW is not supported for unwrapping; use AES-GCM")
	}
	plain := s.cipher(a, unwrapping, wrapped, false)
	var data sobek.Value
	if format == "jwk" {
		parse, _ := sobek.AssertFunction(s.rt.Get("JSON").ToObject(s.rt).Get("parse"))
		v, err := parse(sobek.Undefined(), s.rt.ToValue(string(plain)))
		if err != nil {
			fail("DataError", "the unwrapped key is not JSON")
		}
		data = v
	} else {
		data = s.arrayBuffer(plain)
	}
	target := s.alg(call.Argument(4), "the unwrapped key's algorithm")
	return s.object(s.importAs(format, data, target, call.Argument(5).ToBoolean(), s.readUsages(call.Argument(6))))
}
