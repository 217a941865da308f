"""One definition, several clouds: the build hash does not depend on the cloud's code path."""

from __future__ import annotations

import pytest

from immutable_components import AwsBuilder, GoldenImage, GoldenImageArgs
from immutable_components.golden_image import _hash, aws, azure, gcp
from immutable_components.golden_image.args import AzureBuilder, AzureMarketplaceImage, GcpBuilder
from tests._images import AZ_SUBNET, GCP_IMAGE, SSH, SUBNET, provisioners


def builders():
    return {
        "aws": AwsBuilder(source_image_id="ami-0123456789abcdef0", subnet_id=SUBNET, ssh_cidrs=SSH),
        "gcp": GcpBuilder(source_image_id=GCP_IMAGE, zone="us-central1-a", ssh_cidrs=SSH),
        "azure": AzureBuilder(
            source_marketplace=AzureMarketplaceImage(
                publisher="C", offer="o", sku="s", version="1.0.0"
            ),
            resource_group_name="rg",
            location="westeurope",
            subnet_id=AZ_SUBNET,
            ssh_cidrs=SSH,
        ),
    }


def test_same_provisioners_same_part_and_same_hash_for_equal_settings(pulumi_mocks, tmp_path):
    steps = provisioners(tmp_path)
    images = {
        cloud: GoldenImage(f"img-{cloud}", GoldenImageArgs(**{cloud: b}, provisioners=steps))
        for cloud, b in builders().items()
    }
    digests = {c: img.provisioner_digests for c, img in images.items()}
    assert digests["aws"] == digests["gcp"] == digests["azure"]
    parts = {c: pulumi_mocks.resolve(img.provisioners_hash) for c, img in images.items()}
    assert len(set(parts.values())) == 1
    assert parts["aws"] == _hash.provisioners_digest(digests["aws"])
    # Each cloud's hash is the shared function of (source key, settings, digests) ...
    for cloud, img in images.items():
        b = builders()[cloud]
        bake = {"aws": aws, "gcp": gcp, "azure": azure}[cloud]
        assert img.build_hash_value == _hash.compute(
            bake.source(b, img).key, bake.hash_settings(b), digests[cloud]
        )
    # ... so equal source and settings give an equal hash whichever cloud fed it.
    settings = {"instance_type": "any", "volume_size_gib": 20}
    assert len({_hash.compute("src", settings, digests[c]) for c in images}) == 1
    # The clouds' real settings differ, and so do their hashes.
    assert len({img.build_hash_value for img in images.values()}) == 3


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_any_input_change_changes_the_hash(pulumi_mocks, tmp_path, cloud):
    def hash_of(builder, steps):
        img = GoldenImage(
            f"h{len(pulumi_mocks.resources)}x",
            GoldenImageArgs(**{cloud: builder}, provisioners=steps),
        )
        return img.build_hash_value

    b = builders()[cloud]
    base = hash_of(b, provisioners(tmp_path))
    assert hash_of(b, provisioners(tmp_path)) == base  # deterministic
    assert hash_of(b, provisioners(tmp_path, "v2")) != base  # script content
    assert hash_of(b, provisioners(tmp_path)[:2]) != base  # one step fewer
    assert hash_of(b, list(reversed(provisioners(tmp_path)))) != base  # order
    changed = {
        "aws": {"instance_type": "t3.large"},
        "gcp": {"machine_type": "e2-standard-2"},
        "azure": {"vm_size": "Standard_D2s_v5"},
    }[cloud]
    assert hash_of(type(b)(**{**b.__dict__, **changed}), provisioners(tmp_path)) != base
    source = {
        "aws": {"source_image_id": "ami-0fedcba9876543210"},
        "gcp": {"source_image_id": GCP_IMAGE + "x"},
        "azure": {
            "source_marketplace": AzureMarketplaceImage(
                publisher="C", offer="o", sku="s", version="1.0.1"
            )
        },
    }[cloud]
    assert hash_of(type(b)(**{**b.__dict__, **source}), provisioners(tmp_path)) != base


def test_hash_parts_are_separate():
    digests = [{"kind": "commands", "commands": ["true"]}]
    assert _hash.compute("a", {"x": 1}, digests) != _hash.compute("a", {"x": 2}, digests)
    assert _hash.compute("a", {"x": 1}, digests) != _hash.compute("b", {"x": 1}, digests)
    assert _hash.provisioners_digest(digests) != _hash.provisioners_digest([])
