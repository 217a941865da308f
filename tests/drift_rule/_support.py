"""What the drift tests share: GoldenImages built in one place (a DriftRule takes their
``approved_image_ids``, never the object), and the errors of Outputs that fail to resolve."""

from pulumi.runtime.settings import _get_rpc_manager

from immutable_components import AwsBuilder, GoldenImage, GoldenImageArgs, RunCommands

# The cloud modules DriftRule imports on first use, imported at collection: pytest rewrites
# the package's modules (it is a pytest plugin) and CPython 3.11.7's compiler can fail with
# "AST constructor recursion depth mismatch" when that happens deep inside a test.
from immutable_components.drift_rule import aws, azure, gcp  # noqa: F401

SUBNET = "subnet-0123456789abcdef0"


def aws_golden_image(name: str, source: str) -> GoldenImage:
    builder = AwsBuilder(source_image_id=source, subnet_id=SUBNET, ssh_cidrs=["10.0.0.0/8"])
    return GoldenImage(
        name, GoldenImageArgs(aws=builder, provisioners=[RunCommands(commands=["true"])])
    )


def gcp_golden_images(vendor: str) -> tuple[GoldenImage, GoldenImage]:
    """A base image baked from ``vendor`` and an app image layered on it."""
    from immutable_components import GcpBuilder

    def builder(**source):
        return GcpBuilder(zone="us-central1-a", ssh_cidrs=["10.0.0.0/8"], **source)

    steps = [RunCommands(commands=["true"])]
    base = GoldenImage(
        "base", GoldenImageArgs(gcp=builder(source_image_id=vendor), provisioners=steps)
    )
    app = GoldenImage(
        "app", GoldenImageArgs(gcp=builder(parent=base.as_parent()), provisioners=steps)
    )
    return base, app


def settle_errors(run) -> str:
    """Settle the program; return the errors raised while its Outputs resolved (what the
    engine would report), and forget them so the fixture's own settle passes."""
    errors = []
    manager = _get_rpc_manager()
    for _ in range(100):
        try:
            run.settle()
            break
        except Exception as error:
            errors.append(str(error))
            # Forget it and go on settling, so every failed registration is awaited.
            manager.unhandled_exception = None
            manager.exception_traceback = None
    return "\n".join(errors)
