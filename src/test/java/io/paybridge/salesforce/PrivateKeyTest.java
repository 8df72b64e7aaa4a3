package io.paybridge.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The JWT bearer flow's key as an operator pastes it: PKCS#8 PEM, and clear refusals otherwise. */
class PrivateKeyTest {

    private static final String NOT_A_KEY = """
            -----BEGIN PRIVATE KEY-----
            c2VjcmV0IGJ5dGVzIHRoYXQgYXJlIG5vdCBhIGtleQ==
            -----END PRIVATE KEY-----
            """;

    @Test
    void aPkcs8PemIsAnRsaKey() throws IOException {
        String pem = Files.readString(Path.of("src/test/resources/salesforce-test-key.pem"));

        assertThat(SalesforceAuth.privateKey(pem).getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void aPkcs1PemIsRefusedWithTheCommandThatConvertsIt() {
        assertThatThrownBy(() -> SalesforceAuth.privateKey("-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----"))
                .hasMessageContaining("openssl pkcs8 -topk8");
    }

    @Test
    void somethingElseIsRefusedWithoutRepeatingIt() {
        assertThatThrownBy(() -> SalesforceAuth.privateKey(NOT_A_KEY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not an RSA private key")
                .hasMessageNotContaining("c2VjcmV0");
    }
}
