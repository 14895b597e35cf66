"""The native API: cmsverify.Verifier and its exceptions."""

import threading

import pytest

import cmsverify


def test_verifies_every_form_to_the_signed_bytes(ks, read):
    v = cmsverify.Verifier(ks("signing_cert.pem"), ks("cacert.pem"))
    expected = read("token.json")
    for name in ("token.pem", "token.der", "token.pki", "token.pkiz"):
        assert v.verify(read(name)) == expected, name
    assert v.verify(read("token.pki").decode()) == expected  # str input
    assert v.verify(read("token.pem"), inform="pem") == expected


def test_from_pem_and_detailed_result(read):
    v = cmsverify.Verifier.from_pem(read("signing_cert.pem"), read("cacert.pem").decode())
    result = v.verify_detailed(read("token.pkiz"))
    assert result.content == read("token.json")
    (signer,) = result.signers
    assert signer.subject == "C=US, O=OpenStack, CN=Keystone Signing"
    assert signer.serial == "1001"
    assert signer.digest_algorithm == "SHA-256"
    assert signer.path == ["C=US, O=OpenStack, CN=Keystone Signing", "C=US, O=OpenStack, CN=Keystone CA"]
    assert signer.signed_attributes is False


def test_detached(ks, read):
    v = cmsverify.Verifier(ks("signing_cert.pem"), ks("cacert.pem"))
    assert v.verify_detached(read("token.pem"), read("token.json")) == read("token.json")
    with pytest.raises(cmsverify.VerificationError):
        v.verify_detached(read("token.pem"), b"other")


def test_config_error_names_the_file(ks):
    with pytest.raises(cmsverify.ConfigError) as info:
        cmsverify.Verifier("/nonexistent/signing_cert.pem", ks("cacert.pem"))
    assert info.value.exit_code == 2
    assert info.value.filename == "/nonexistent/signing_cert.pem"
    assert "certfile /nonexistent/signing_cert.pem" in str(info.value)
    assert isinstance(info.value, cmsverify.Error)


def test_parse_and_verification_errors(ks, read):
    v = cmsverify.Verifier(ks("signing_cert.pem"), ks("cacert.pem"))
    with pytest.raises(cmsverify.ParseError) as parse:
        v.verify(b"not a token")
    assert parse.value.exit_code == 3
    with pytest.raises(cmsverify.VerificationError) as failed:
        v.verify(read("other/token.pem"))
    assert failed.value.exit_code == 4
    assert failed.value.signer_not_found is True
    assert "neither in the certfile" in failed.value.reason
    assert "delete signing_cert.pem" in failed.value.hint


def test_verification_error_names_the_certificate(ks, read):
    der = bytearray(read("token.der"))
    der[-3] ^= 1  # signature byte
    v = cmsverify.Verifier(ks("signing_cert.pem"), ks("cacert.pem"))
    with pytest.raises(cmsverify.VerificationError) as failed:
        v.verify(bytes(der))
    assert failed.value.subject == "C=US, O=OpenStack, CN=Keystone Signing"
    assert failed.value.serial == "1001"


def test_bad_inform_is_a_value_error(ks, read):
    v = cmsverify.Verifier(ks("signing_cert.pem"), ks("cacert.pem"))
    with pytest.raises(ValueError):
        v.verify(read("token.pem"), inform="xml")


def test_threads_share_a_verifier(ks, read):
    v = cmsverify.Verifier(ks("signing_cert.pem"), ks("cacert.pem"))
    token, expected, errors = read("token.pki"), read("token.json"), []

    def work():
        for _ in range(50):
            if v.verify(token) != expected:
                errors.append("mismatch")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_internal_error_is_an_error_not_a_base_exception():
    """A Rust panic raises InternalError, which ``except Exception`` catches
    (python/src/lib.rs unit-tests the conversion of the panic itself)."""
    assert issubclass(cmsverify.InternalError, cmsverify.Error)
    assert issubclass(cmsverify.InternalError, Exception)


def test_names_are_cmsverify_names(ks):
    for cls in (cmsverify.Error, cmsverify.ConfigError, cmsverify.ParseError, cmsverify.VerificationError,
                cmsverify.InternalError, cmsverify.Verifier, cmsverify.ReloadingVerifier, cmsverify.Signer,
                cmsverify.Verified, cmsverify.VerifiedSigner):
        assert cls.__module__ == "cmsverify", cls
        assert cls.__qualname__ == cls.__name__
    with pytest.raises(cmsverify.ConfigError) as info:
        cmsverify.Verifier.from_pem(b"", b"")
    assert repr(info.type) == "<class 'cmsverify.ConfigError'>"
    assert info.value.__class__.__module__ + "." + info.value.__class__.__name__ == "cmsverify.ConfigError"


def test_reprs_say_what_the_object_is(ks, read):
    v = cmsverify.Verifier(ks("signing_cert.pem"), ks("cacert.pem"))
    assert repr(v) == ("<cmsverify.Verifier certfile=%r cafile=%r: 1 signing certificate(s), 1 CA certificate(s)>"
                       % (ks("signing_cert.pem"), ks("cacert.pem"))).replace("'", '"')
    result = v.verify_detailed(read("token.pki"))
    assert repr(result) == ('<cmsverify.Verified %d content bytes signed by "C=US, O=OpenStack, CN=Keystone Signing">'
                            % len(read("token.json")))
    assert repr(result.signers[0]).startswith(
        '<cmsverify.VerifiedSigner subject="C=US, O=OpenStack, CN=Keystone Signing" serial=1001 digest SHA-256')
    r = cmsverify.ReloadingVerifier(ks("signing_cert.pem"), ks("cacert.pem"))
    assert repr(r).startswith("<cmsverify.ReloadingVerifier certfile=")
    s = cmsverify.Signer(ks("signing_cert.pem"), ks("signing_key.pem"), "sha512", text=True)
    assert repr(s).endswith("SHA-512 text mode>")


@pytest.mark.parametrize("bad, name", [(42, "int"), (None, "NoneType"), (["x"], "list")])
def test_wrong_argument_types_are_clear_type_errors(ks, bad, name):
    v = cmsverify.Verifier(ks("signing_cert.pem"), ks("cacert.pem"))
    with pytest.raises(TypeError, match=r"argument 'data': expected bytes, bytearray or str, not %s$" % name):
        v.verify(bad)
    with pytest.raises(TypeError, match=r"argument 'content': expected bytes, bytearray or str, not %s$" % name):
        v.verify_detached(b"x", bad)


def test_bytearray_input(ks, read):
    v = cmsverify.Verifier(ks("signing_cert.pem"), ks("cacert.pem"))
    assert v.verify(bytearray(read("token.pem"))) == read("token.json")


def test_signer_text_mode_and_digest_policy(ks, read):
    text = cmsverify.Signer(ks("signing_cert.pem"), ks("signing_key.pem"), text=True)
    binary = cmsverify.Signer(ks("signing_cert.pem"), ks("signing_key.pem"))
    v = cmsverify.Verifier(ks("signing_cert.pem"), ks("cacert.pem"))
    assert v.verify(binary.sign_pem(b"a\nb")) == b"a\nb"
    assert v.verify(text.sign_pem(b"a\nb")) == b"a\r\nb"
    with pytest.raises(ValueError, match="does not verify MD5"):
        cmsverify.Signer(ks("signing_cert.pem"), ks("signing_key.pem"), "md5")
    with pytest.raises(ValueError, match="unknown digest"):
        cmsverify.Signer(ks("signing_cert.pem"), ks("signing_key.pem"), "whirlpool")
