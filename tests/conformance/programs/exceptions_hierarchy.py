"""zenml.exceptions: every class users catch, with ZenML's bases and message behaviour."""

import zenml.exceptions as X
from zenml.exceptions import ZenMLBaseException

based_on_root = [
    "InitializationException", "LogStoreError", "LogStoreUnavailableError",
    "LogStoreRateLimitError", "AuthorizationException", "CredentialsNotValid",
    "DoesNotExistException", "StepInterfaceError", "MaterializerInterfaceError",
    "StepContextError", "StackComponentInterfaceError", "ArtifactStoreInterfaceError",
    "IntegrationError", "ValidationError", "EntityExistsError", "EntityCreationError",
    "ApiTransactionResultTooLargeError", "WebhookInactiveError", "StackValidationError",
    "IllegalOperationError", "RunStoppedException", "RunInterruptedException",
    "StepExecutionException", "MethodNotAllowedError", "SettingsResolvingError",
    "InputResolutionError", "SubscriptionUpgradeRequiredError", "HydrationError",
    "MaxConcurrentTasksError", "RunMonitoringError", "HookValidationException",
    "HookExecutionException", "SourceValidationException",
]
for name in based_on_root:
    assert issubclass(getattr(X, name), ZenMLBaseException), name
assert issubclass(X.CredentialsNotValid, X.AuthorizationException)
assert issubclass(X.LogStoreUnavailableError, X.LogStoreError)
assert issubclass(X.LogStoreRateLimitError, X.LogStoreError)
assert issubclass(X.EntityCreationError, RuntimeError)
for name, builtin in [("ZenKeyError", KeyError), ("OAuthError", ValueError),
                      ("GitNotFoundError", ImportError), ("CustomFlavorImportError", ImportError),
                      ("SecretsStoreNotConfiguredError", NotImplementedError),
                      ("BackupSecretsStoreNotConfiguredError", NotImplementedError)]:
    assert issubclass(getattr(X, name), builtin), name

# the root formats a message with a link, and catches every subclass
error = ZenMLBaseException("Something broke.", url="https://example.com/help")
assert str(error) == "Something broke. For more information, visit https://example.com/help."
assert str(X.StackValidationError("no tracker")) == "no tracker"
try:
    raise X.EntityExistsError("taken")
except ZenMLBaseException as caught:
    assert str(caught) == "taken"

# KeyError quotes its argument; ZenKeyError does not
assert str(X.ZenKeyError("no such thing")) == "no such thing"
assert X.ZenKeyError("no such thing").message == "no such thing"
assert str(X.DoesNotExistException("gone")) == "gone"

limited = X.LogStoreRateLimitError("slow down", retry_after=3)
assert limited.retry_after == 3 and str(limited) == "slow down"
original = ValueError("inner")
assert X.StepExecutionException("s", original_exception=original).original_exception is original
monitoring = X.RunMonitoringError(original)
assert str(monitoring) == "inner" and monitoring.original_exception is original

oauth = X.OAuthError("invalid_grant", 401, "bad password", "https://example.com")
assert str(oauth) == "invalid_grant: bad password" and oauth.status_code == 401
assert oauth.to_dict() == {"error": "invalid_grant", "error_description": "bad password",
                           "error_uri": "https://example.com"}
print("ok")
