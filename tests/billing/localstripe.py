"""localstripe, a Stripe emulator no one here wrote, run on a loopback port for one test module."""

import socket
import subprocess
import sys
import time
import urllib.request

import stripe

# localstripe's own entry point listens on every interface; serve its app on loopback only.
SERVE = (
    "import sys; from aiohttp import web; from localstripe.server import app; "
    "web.run_app(app, host='127.0.0.1', port=int(sys.argv[1]), print=None)"
)
SECRET_KEY = "sk_test_saveflow0localstripe"
WEBHOOK_SECRET = "whsec_saveflow0localstripe"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalStripe:
    """A running localstripe and a real Stripe client pointed at it."""

    def __init__(self, tmp_path):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        # It pickles its store into the working directory's /tmp path; keep runs apart anyway.
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(port)],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(self.url + "/js.stripe.com/v3/", timeout=1).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("localstripe did not start") from None
                time.sleep(0.1)
        self.client = stripe.StripeClient(
            SECRET_KEY,
            base_addresses={"api": self.url},
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=5),
        )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def subscribe(self, plan: dict, quantity: int = 1) -> tuple[str, str]:
        """Create a legacy plan, a paying customer and a subscription; return (customer, sub)."""
        v1 = self.client.v1
        v1.plans.create(params=plan)
        card = v1.tokens.create(
            params={
                "card": {
                    "number": "4242424242424242",
                    "exp_month": "12",
                    "exp_year": "2034",
                    "cvc": "123",
                }
            }
        )
        customer = v1.customers.create(params={"email": "ada@example.com", "source": card.id})
        sub = v1.subscriptions.create(
            params={"customer": customer.id, "items": [{"plan": plan["id"], "quantity": quantity}]}
        )
        return customer.id, sub.id

    def subscription(self, sub_id: str) -> dict:
        return self.client.v1.subscriptions.retrieve(sub_id).to_dict()

    def register_webhook(self, url: str) -> None:
        """Have localstripe deliver its events to `url`, signed with WEBHOOK_SECRET."""
        body = f"url={url}&secret={WEBHOOK_SECRET}".encode()
        request = urllib.request.Request(
            f"{self.url}/_config/webhooks/saveflow", data=body, method="POST"
        )
        request.add_header("Authorization", f"Bearer {SECRET_KEY}")
        urllib.request.urlopen(request, timeout=5).close()
