"""Reads a data source the mocks do not know."""

import pulumi
import pulumi_aws as aws

endpoint = aws.ec2.get_vpc_endpoint(service_name="com.amazonaws.eu-west-1.s3")
pulumi.export("endpoint", endpoint.id)
