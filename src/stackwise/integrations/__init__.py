"""Integrations: stack component flavors built on third-party tools (MLflow, ...).

Each integration announces its flavors through the `stackwise.flavors` entry-point group and
imports its library only when a component of that flavor is used. Core stackwise never imports
this package (an import-linter contract checks it), so an integration whose library is not
installed costs nothing until a stack asks for it.
"""
