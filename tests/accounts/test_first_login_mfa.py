from django.urls import reverse


def test_a_facilitator_who_just_signed_in_sets_up_totp_without_typing_the_password_again(
    client, facilitator, password
):
    response = client.post(
        reverse("account_login"), {"login": facilitator.email, "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()
