#!/usr/bin/env bash
# Makes the WeChat Pay v3 test vectors with openssl and Python's cryptography package — outside
# our code — so the C# signer, verifier and decryptor are checked against an independent
# implementation. The keys are throw-away test keys; they sign nothing real.
set -euo pipefail
cd "$(dirname "$0")"

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out test_merchant_key.pem 2>/dev/null
openssl pkey -in test_merchant_key.pem -pubout -out test_merchant_pub.pem

# §2.2 string to sign of a GET (empty body line) and of a POST with a JSON body.
printf 'GET\n/v3/refund/domestic/refunds/123123123123\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n' \
  | openssl dgst -sha256 -sign test_merchant_key.pem | openssl base64 -A > get.sig
printf 'POST\n/v3/payscore/serviceorder\n1795500000\nn8Kq2LxV7pZr4TbY9mWc3FdH6sJe1AuG\n{"out_order_no":"DS20261124140000A7K2","service_id":"500001"}\n' \
  | openssl dgst -sha256 -sign test_merchant_key.pem | openssl base64 -A > post.sig

# §6.3 AEAD_AES_256_GCM resource: key = the 32 ASCII bytes of the APIv3 key, nonce = 12 ASCII bytes.
python3 - <<'PY' > resource.b64
import base64
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
key = b"0123456789abcdefABCDEF0123456789"
nonce = b"5K8264ILTKCH"
plain = '{"appid":"wx5a4dbe7f5d0c1e01","mchid":"1900000001","service_id":"500001","openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","user_service_status":"USER_OPEN_SERVICE","openorclose_time":"20261124140005","authorization_code":"C1T1795500000000"}'.encode()
print(base64.b64encode(AESGCM(key).encrypt(nonce, plain, b"payscore")).decode(), end="")
PY

# §6.2 a whole Pay Score authorisation notification around that resource, and its §3.1 signature
# (timestamp 1795500005, the same instant as the Xiaomai contract's example), signed by the same
# test key standing in for the WeChat Pay public-key pair.
printf '{"id":"EV-2026112414000501","create_time":"2026-11-24T14:00:05+08:00","resource_type":"encrypt-resource","event_type":"PAYSCORE.USER_OPEN_SERVICE","summary":"用户开启服务","resource":{"original_type":"payscore","algorithm":"AEAD_AES_256_GCM","ciphertext":"%s","associated_data":"payscore","nonce":"5K8264ILTKCH"}}' \
  "$(cat resource.b64)" > notification.json
{ printf '1795500005\nHj4Rt8Wq2Zx6Cv0Bn5Mk9Lp3Ds7Fg1Ay\n'; cat notification.json; printf '\n'; } \
  | openssl dgst -sha256 -sign test_merchant_key.pem | openssl base64 -A > notification.sig
# jsapi-refund-bill.md §1.2: the wx.requestPayment paySign — appId, timeStamp, nonceStr, package, each line ending in LF.
printf 'wx2421b1c4370ec43b\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\nprepay_id=wx201410272009395522657a690389285100\n' \
  | openssl dgst -sha256 -sign test_merchant_key.pem | openssl base64 -A > paysign.sig
echo "vectors written"
