#!/usr/bin/env bash
# Makes the DEMO public-key infrastructure of the Single Window Gateway.
# DEVELOPMENT ONLY: every private key it writes is public the moment it is committed.
#
#   Certificates/make-demo-pki.sh [OUTPUT_DIR] [--party DIR:CA:KEY:SUBJECT …]   (default: Certificates/demo)
#
# Every demo certificate and CRL is valid from 2024-01-01 to 2036-12-31 (UTC), so that a test
# environment can replay the world's 2025 example exchanges at their own dates
# (`gateway serve --simulated-time`) as well as run on today's clock.
#
# It writes, with OpenSSL's `ca` command (real CA databases, so revocation and CRLs are real):
#   trust/vn/      Demo VN root CA and VN issuing CA (the trust anchors of the Vietnamese
#                  partners) and their CRLs
#   trust/asean/   Demo ASEAN Single Window root CA and its CRL
#   <party>/       key.pem, cert.pem, chain.pem (the issuing CA) for every partner of the world
#                  (moit, mard, moh, bank-vcb, bank-bidv, customs-core, asw-th, asw-sg) and the
#                  gateway itself (gateway: EC P-256; gateway-rsa: RSA-2048 for partners that
#                  demand RSA; gateway-asean: EC P-256 under the ASEAN root)
#   test/<case>/   signers that must be refused: expired, not-yet-valid, revoked, wrong-usage
#                  (keyEncipherment only), untrusted (its own root, not in any trust directory),
#                  weak-rsa (1024 bits)
#   --party        a signer more, for a partner joining by configuration: DIR (under OUTPUT_DIR),
#                  CA (vn-issuing or asean-root), KEY (rsa or ec) and the SUBJECT in OpenSSL's
#                  /C=…/O=…/CN=… form, e.g. --party "asw-my:asean-root:rsa:/C=MY/O=MyNSW/CN=nsw.asw-my.example"
set -euo pipefail

out="$(cd "$(dirname "$0")" && pwd)/demo"
if [[ $# -gt 0 && "$1" != --* ]]; then out="$1"; shift; fi
parties=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --party) parties+=("$2"); shift 2 ;;
    *) echo "make-demo-pki.sh: unknown argument $1 (expected OUTPUT_DIR, then --party DIR:CA:KEY:SUBJECT …)" >&2; exit 64 ;;
  esac
done
# The world's example exchanges are of 2025; the demo PKI covers them and the years after.
valid_from=20240101000000Z
valid_until=20361231235959Z
mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
log="$work/openssl.log"
trap 'rm -rf "$work"' EXIT
trap 'echo "make-demo-pki.sh failed; OpenSSL said:" >&2; cat "$log" >&2' ERR
export CA_DIR="$work"   # the config names $ENV::CA_DIR; each `openssl ca` call sets its own

config="$work/openssl.cnf"
cat > "$config" <<'CNF'
[ ca ]
default_ca = ca_default

[ ca_default ]
dir              = $ENV::CA_DIR
database         = $dir/index.txt
new_certs_dir    = $dir/issued
serial           = $dir/serial
crlnumber        = $dir/crlnumber
default_md       = sha256
default_days     = 3650
default_crl_days = 3650
policy           = policy_any
unique_subject   = no
preserve         = yes
email_in_dn      = no
copy_extensions  = none
string_mask      = utf8only

[ policy_any ]
countryName            = optional
organizationName       = optional
organizationalUnitName = optional
commonName             = supplied

[ req ]
distinguished_name = req_dn
string_mask        = utf8only
utf8               = yes
prompt             = no

[ req_dn ]
CN = placeholder

[ root_ca ]
basicConstraints       = critical, CA:true
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ issuing_ca ]
basicConstraints       = critical, CA:true, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ signer ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ encipherment_only ]
basicConstraints       = critical, CA:false
keyUsage               = critical, keyEncipherment
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
CNF

new_key() { # path type
  case "$2" in
    rsa)      openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" ;;
    rsa-1024) openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$1" ;;
    ec)       openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" ;;
  esac
}

new_ca_database() { # name
  mkdir -p "$work/$1/issued"
  : > "$work/$1/index.txt"
  echo 1000 > "$work/$1/serial"
  echo 1000 > "$work/$1/crlnumber"
}

root_ca() { # name type subject
  new_ca_database "$1"
  new_key "$work/$1/key.pem" "$2"
  openssl req -new -config "$config" -utf8 -key "$work/$1/key.pem" -subj "$3" -out "$work/$1/request.csr" 2>>"$log"
  CA_DIR="$work/$1" openssl ca -batch -config "$config" -selfsign -notext -extensions root_ca \
    -keyfile "$work/$1/key.pem" -in "$work/$1/request.csr" -out "$work/$1/cert.pem" \
    -startdate "$valid_from" -enddate "$valid_until" 2>>"$log"
}

issue() { # ca-name out-dir type subject extensions [startdate enddate]
  local ca="$1" dir="$2" type="$3" subject="$4" extensions="$5"
  mkdir -p "$dir"
  new_key "$dir/key.pem" "$type"
  openssl req -new -config "$config" -utf8 -key "$dir/key.pem" -subj "$subject" -out "$work/request.csr" 2>>"$log"
  local validity=(-startdate "$valid_from" -enddate "$valid_until")
  if [[ $# -ge 7 ]]; then validity=(-startdate "$6" -enddate "$7"); fi
  CA_DIR="$work/$ca" openssl ca -batch -config "$config" -notext -extensions "$extensions" \
    -cert "$work/$ca/cert.pem" -keyfile "$work/$ca/key.pem" -in "$work/request.csr" -out "$dir/cert.pem" \
    "${validity[@]}" 2>>"$log"
  cat "$work/$ca/cert.pem" > "$dir/chain.pem"
}

crl() { # ca-name output
  CA_DIR="$work/$1" openssl ca -config "$config" -gencrl -crl_lastupdate "$valid_from" -crl_nextupdate "$valid_until" \
    -cert "$work/$1/cert.pem" -keyfile "$work/$1/key.pem" -out "$2" 2>>"$log"
}

rm -rf "$out/trust" "$out/test"
mkdir -p "$out/trust/vn" "$out/trust/asean" "$out/test"

root_ca vn-root rsa "/C=VN/O=Demo Vietnam Trade PKI/CN=Demo VN Root CA (DEVELOPMENT ONLY)"
new_ca_database vn-issuing
issue vn-root "$work/vn-issuing" rsa "/C=VN/O=Demo Vietnam Trade PKI/CN=Demo VN Issuing CA 1 (DEVELOPMENT ONLY)" issuing_ca
root_ca asean-root rsa "/O=Demo ASEAN Single Window PKI/CN=Demo ASW Root CA (DEVELOPMENT ONLY)"
root_ca untrusted-root ec "/O=Nobody Trusts This/CN=Untrusted Test Root (DEVELOPMENT ONLY)"

vn="/C=VN"
issue vn-issuing "$out/moit"          rsa "$vn/O=Bộ Công Thương/OU=e-Permit System/CN=eps-signing.moit.example" signer
issue vn-issuing "$out/mard"          ec  "$vn/O=Bộ Nông nghiệp và Phát triển Nông thôn/OU=Cục Bảo vệ thực vật/CN=equarantine-signing.ppd.mard.example" signer
issue vn-issuing "$out/moh"           rsa "$vn/O=Bộ Y tế/OU=Cục An toàn thực phẩm/CN=signing.vfa.moh.gov.vn.example" signer
issue vn-issuing "$out/bank-vcb"      rsa "$vn/O=Vietcombank/OU=Customs Collection/CN=customs-collection-signing.vcb.example" signer
issue vn-issuing "$out/bank-bidv"     rsa "$vn/O=BIDV/OU=Customs Collection/CN=nsw-signing.bidv.example" signer
issue vn-issuing "$out/customs-core"  ec  "$vn/O=Tổng cục Hải quan/OU=Customs Core/CN=core-signing.customs.example" signer
issue vn-issuing "$out/gateway"       ec  "$vn/O=Cơ chế một cửa quốc gia/OU=National Single Window/CN=nsw-gateway-signing.example" signer
issue vn-issuing "$out/gateway-rsa"   rsa "$vn/O=Cơ chế một cửa quốc gia/OU=National Single Window/CN=nsw-gateway-signing-rsa.example" signer
issue asean-root "$out/asw-th"        rsa "/C=TH/O=Thailand National Single Window/CN=nsw.asw-th.example" signer
issue asean-root "$out/asw-sg"        ec  "/C=SG/O=Singapore Networked Trade Platform/CN=asw-gw.asw-sg.example" signer
issue asean-root "$out/gateway-asean" ec  "/C=VN/O=Viet Nam National Single Window/CN=asw-signing.nsw.gov.vn.example" signer
for party in "${parties[@]}"; do
  IFS=: read -r dir ca key subject <<<"$party"
  case "$ca" in vn-issuing|asean-root) ;; *) echo "make-demo-pki.sh: --party $party: CA must be vn-issuing or asean-root" >&2; exit 64 ;; esac
  case "$key" in rsa|ec) ;; *) echo "make-demo-pki.sh: --party $party: KEY must be rsa or ec" >&2; exit 64 ;; esac
  issue "$ca" "$out/$dir" "$key" "$subject" signer
done

issue vn-issuing "$out/test/expired"       ec  "$vn/O=Demo Test/CN=expired-signer.example" signer 20200101000000Z 20210101000000Z
issue vn-issuing "$out/test/not-yet-valid" ec  "$vn/O=Demo Test/CN=not-yet-valid-signer.example" signer 20450101000000Z 20460101000000Z
issue vn-issuing "$out/test/revoked"       ec  "$vn/O=Demo Test/CN=revoked-signer.example" signer
issue vn-issuing "$out/test/wrong-usage"   ec  "$vn/O=Demo Test/CN=encipherment-only.example" encipherment_only
issue vn-issuing "$out/test/weak-rsa"      rsa-1024 "$vn/O=Demo Test/CN=weak-rsa-signer.example" signer
issue untrusted-root "$out/test/untrusted" ec "$vn/O=Nobody Trusts This/CN=untrusted-signer.example" signer

CA_DIR="$work/vn-issuing" openssl ca -config "$config" -revoke "$out/test/revoked/cert.pem" \
  -cert "$work/vn-issuing/cert.pem" -keyfile "$work/vn-issuing/key.pem" -crl_reason keyCompromise 2>>"$log"

cp "$work/vn-root/cert.pem" "$out/trust/vn/vn-root-ca.pem"
cp "$work/vn-issuing/cert.pem" "$out/trust/vn/vn-issuing-ca.pem"
crl vn-root "$out/trust/vn/vn-root-ca.crl.pem"
crl vn-issuing "$out/trust/vn/vn-issuing-ca.crl.pem"
cp "$work/asean-root/cert.pem" "$out/trust/asean/asw-root-ca.pem"
crl asean-root "$out/trust/asean/asw-root-ca.crl.pem"
cp "$work/untrusted-root/cert.pem" "$out/test/untrusted-root-ca.pem"

echo "Demo PKI written to $out (DEVELOPMENT ONLY)" >&2
