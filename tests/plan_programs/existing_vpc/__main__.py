"""A service in a VPC someone else owns: looked up, never created."""

import pulumi
import pulumi_aws as aws

vpc = aws.ec2.get_vpc(tags={"Name": "shared"})
subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])
cert = aws.acm.get_certificate(domain="app.example.com", statuses=["ISSUED"])

sg = aws.ec2.SecurityGroup("web", vpc_id=vpc.id, description="web")
lb = aws.lb.LoadBalancer("web", subnets=subnets.ids, security_groups=[sg.id])
aws.lb.Listener(
    "https",
    load_balancer_arn=lb.arn,
    port=443,
    protocol="HTTPS",
    certificate_arn=cert.arn,
    default_actions=[
        {
            "type": "fixed-response",
            "fixed_response": {"content_type": "text/plain", "status_code": "200"},
        }
    ],
)
pulumi.export("vpc", vpc.id)
pulumi.export("cidr", vpc.cidr_block)
pulumi.export("subnets", subnets.ids)
pulumi.export("certificate", cert.arn)
pulumi.export("dns", lb.dns_name)
