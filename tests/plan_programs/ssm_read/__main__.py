"""An image id published by an images stack, read from SSM; and a plain setting."""

import pulumi
import pulumi_aws as aws

image = aws.ssm.get_parameter(name="/images/app/dev")
owner = aws.ssm.get_parameter(name="/config/app/owner")
aws.ec2.LaunchTemplate("app", image_id=image.value, instance_type="t3.micro")
pulumi.export("image", image.value)
pulumi.export("owner", owner.value)
