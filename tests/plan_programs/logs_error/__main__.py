"""Logs an error and carries on: the plan must still fail."""

import pulumi

pulumi.log.error("the team tag is missing")
pulumi.export("ok", True)
