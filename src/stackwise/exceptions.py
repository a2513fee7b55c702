"""The one exception hierarchy of stackwise, with ZenML 0.98's names and bases.

Every class here descends from `StackwiseError`, the same class as `StackwiseBaseException`
(ZenML's `ZenMLBaseException` renamed, and its `__name__`): `except StackwiseError` catches
everything stackwise raises on purpose. Classes that ZenML derives from a builtin (`KeyError`,
`ImportError`, ...) keep that base too, so `except KeyError` works as it does with ZenML.

    StackwiseError = StackwiseBaseException   (message=None, url=None)
    ├── ValidationError
    │   └── ConfigError (ValueError)            bad configuration: run config, flavor config
    │       ├── PipelineCompilationError        the pipeline graph or its parameters are wrong
    │       └── SettingsResolvingError          settings= that no component can take
    ├── StepInterfaceError (ValueError)         a step's signature, outputs or options are wrong
    ├── StackValidationError                    the stack cannot run this pipeline (all problems)
    │   └── ComponentUnreachableError           a component's server does not answer (.components)
    ├── EntityExistsError (ValueError)          a name is taken (run name, stack, component)
    ├── EntityCreationError (RuntimeError)      an entity could not be created
    ├── DoesNotExistException                   something looked up is not there
    │   └── EntityNotFoundError (ZenKeyError)   a name or id is unknown ("did you mean ...?")
    │       ├── ComponentNotFoundError
    │       ├── ModelArtifactNotFoundError (ValueError)  no such artifact in a model version
    │       └── FlavorNotFoundError (ConfigError)  no such flavor for a component type
    ├── ZenKeyError (KeyError)                  a KeyError whose message reads unquoted
    ├── IllegalOperationError                   not allowed on this object in its state
    │   ├── EntityInUseError (ValueError)       deleting it would leave a dangling reference
    │   └── ModelStageConflictError (RuntimeError)  another model version holds that stage
    ├── MaterializerError                       an artifact could not be saved or loaded
    │   ├── MaterializerInterfaceError          a materializer class is defined wrongly
    │   └── ArtifactLoadError                   a version's files could not be loaded (.version)
    │       └── ArtifactCorruptedError          its files are not what was saved
    ├── StepOutputError (TypeError)             a step returned what its annotation forbids
    ├── StoreSchemaError                        the store's schema does not match this code
    ├── StoreUnavailableError (ConnectionError) the store's database is down or refuses us
    ├── ServerUnreachableError                  the store's server does not answer (.url)
    ├── ServerVersionMismatchError              client and server versions differ (both named)
    ├── ModelServerError (RuntimeError)         a model server did not start or stop (log tail)
    ├── StepExecutionException                  a step's code raised (.original_exception)
    │   └── StepFailedError                     one step failed (carries .step and .original)
    │       └── StepTimeoutError (TimeoutError)  a step overran its `timeout`
    ├── WorkerStartError                        a worker process died before taking a step
    ├── PipelineRunFailedError (RuntimeError)   a run failed (carries .run, .failed_steps)
    ├── RunNotResumableError                    a run cannot be resumed; nothing was created
    ├── ArtifactStoreError                      an artifact store cannot be written to
    ├── ExperimentTrackerError                  a tracker cannot be reached or used now
    ├── ModelRegistryError (RuntimeError)       a model registry refused or could not be reached
    ├── OrchestratorError                       an orchestrator cannot reach what runs steps
    ├── SecretDecryptionError                   a secret's stored values cannot be read back
    ├── StepContextError (RuntimeError)         the step context is used outside a step
    ├── AuthorizationException                  not allowed (server roles, tokens)
    │   └── CredentialsNotValid                 the credentials were refused
    ├── OAuthError (ValueError)                 an OAuth2 error answer (.to_dict())
    ├── InitializationException, IntegrationError, StackComponentInterfaceError,
    │   ArtifactStoreInterfaceError, InputResolutionError, HydrationError,
    │   MethodNotAllowedError, SourceValidationException, HookValidationException,
    │   HookExecutionException, RunStoppedException, RunInterruptedException,
    │   RunMonitoringError, MaxConcurrentTasksError, ApiTransactionResultTooLargeError,
    │   WebhookInactiveError, SubscriptionUpgradeRequiredError
    ├── LogStoreError
    │   ├── LogStoreUnavailableError
    │   └── LogStoreRateLimitError              (.retry_after)
    ├── GitNotFoundError, CustomFlavorImportError (ImportError)
    └── SecretsStoreNotConfiguredError, BackupSecretsStoreNotConfiguredError
                                                (NotImplementedError)

Some of these name failures of features stackwise does not have (log stores, webhooks,
subscriptions, run stopping): they exist so that ZenML code catching them keeps working.

Messages name the object, say what was expected and found, and what to do next.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any


class StackwiseBaseException(Exception):  # ZenML's name, renamed
    """Base class of every error stackwise raises on purpose (ZenML's `ZenMLBaseException`;
    stackwise code calls it `StackwiseError`, the same class).

    `url`, when given, is appended to the message as where to read more.
    """

    def __init__(self, message: str | None = None, url: str | None = None) -> None:
        if message is None:
            super().__init__()
            return
        if url:
            message = f"{message} For more information, visit {url}."
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross process boundaries (worker processes, Dask): rebuild them from their
        # args and attributes, whatever their __init__ requires (`step=`, `run=`).
        return _restore, (type(self), self.args, self.__dict__)


def _restore(
    cls: type[BaseException], args: tuple[Any, ...], attributes: dict[str, Any]
) -> BaseException:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(attributes)
    return error


StackwiseError = StackwiseBaseException


class ValidationError(StackwiseError):
    """Something given does not pass validation."""


class ConfigError(ValidationError, ValueError):
    pass


class PipelineCompilationError(ConfigError):
    pass


class SettingsResolvingError(ConfigError):
    """`settings=` hold a key or value that no component of the stack can take."""


class StepInterfaceError(StackwiseError, ValueError):
    pass


class StackValidationError(StackwiseError):
    pass


class ComponentUnreachableError(StackValidationError):
    """Nothing answers where a component the run needs talks to the network (checked before
    the run's first step). `.components` holds `(name, url, reason)` of each."""

    def __init__(self, message: str, components: Sequence[tuple[str, str, str]] = ()) -> None:
        super().__init__(message)
        self.components = list(components)


class EntityExistsError(StackwiseError, ValueError):
    pass


class EntityCreationError(StackwiseError, RuntimeError):
    """An entity could not be created (its parts were cleaned up)."""


class DoesNotExistException(StackwiseError):  # ZenML's name
    """Something that was looked up does not exist."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class ZenKeyError(StackwiseError, KeyError):
    """A KeyError whose message prints as a sentence (KeyError quotes its argument)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class EntityNotFoundError(DoesNotExistException, ZenKeyError):
    """A name or id is unknown: what ZenML raises as a KeyError for lookups."""


class ComponentNotFoundError(EntityNotFoundError):
    pass


class ModelArtifactNotFoundError(EntityNotFoundError, ValueError):
    """A model version has no linked artifact of that name (and version): a KeyError, as a
    lookup miss is in stackwise, and a ValueError, as ZenML raises."""


class FlavorNotFoundError(EntityNotFoundError, ConfigError):
    """No flavor of that name (or none at all) for a component type: a KeyError, as ZenML
    raises, and a ConfigError, as the configuration that named it is wrong."""


class IllegalOperationError(StackwiseError):
    """The operation is not allowed on this object in its current state."""


class EntityInUseError(IllegalOperationError, ValueError):
    """Deleting it would leave something dangling: a component a stack uses, an artifact
    version runs read or wrote, the active stack."""


class ModelStageConflictError(IllegalOperationError, RuntimeError):
    """Another version of the model holds the stage asked for, and `force` was not given
    (ZenML raises a plain RuntimeError here)."""


class MaterializerError(StackwiseError):
    pass


class MaterializerInterfaceError(MaterializerError):
    """A materializer class is defined wrongly (ASSOCIATED_TYPES, artifact type)."""


class ArtifactLoadError(MaterializerError):
    """An artifact version's files could not be loaded. The message names the artifact, its
    version, URI and materializer and says what to do; `.artifact`, `.version`,
    `.version_id`, `.uri` and `.materializer` carry them; the error the materializer raised
    is chained (`__cause__`)."""

    def __init__(
        self,
        message: str,
        *,
        artifact: str = "",
        version: str = "",
        version_id: str = "",
        uri: str = "",
        materializer: str = "",
    ) -> None:
        super().__init__(message)
        self.artifact = artifact
        self.version = version
        self.version_id = version_id
        self.uri = uri
        self.materializer = materializer


class ArtifactCorruptedError(ArtifactLoadError):
    """An artifact version's files differ from the checksums recorded when it was saved (or
    could not be read and no checksum tells otherwise). The version is marked corrupted: no
    cache hit uses it again, so the step that produced it runs on the next run or resume."""


class StepOutputError(StackwiseError, TypeError):
    pass


class StoreSchemaError(StackwiseError):
    pass


class StoreUnavailableError(StackwiseError, ConnectionError):
    """The store's database cannot be reached or refused the login; the message names its
    URL (password masked) and what the database answered."""


class ServerUnreachableError(StackwiseError):
    """The stackwise server the client points at does not answer; `.url` is where."""

    def __init__(self, message: str, url: str = "") -> None:
        super().__init__(message)
        self.url = url


class ServerVersionMismatchError(StackwiseError):
    """The client and the server run different stackwise versions (`.client_version`,
    `.server_version`): the wire format is only promised between equal versions."""

    def __init__(self, message: str, client_version: str = "", server_version: str = "") -> None:
        super().__init__(message)
        self.client_version = client_version
        self.server_version = server_version


class ModelServerError(StackwiseError, RuntimeError):
    """A model server did not start, or could not be stopped; the message says why and ends
    with the tail of its log."""


class StepExecutionException(StackwiseError):  # ZenML's name
    """A step's code raised; the original exception is kept."""

    def __init__(
        self, message: str | None = None, original_exception: BaseException | None = None
    ) -> None:
        super().__init__(message)
        self.original_exception = original_exception


class StepFailedError(StepExecutionException):
    def __init__(self, message: str, *, step: str, original: BaseException | None = None):
        super().__init__(message, original_exception=original)
        self.step = step
        self.original = original


class StepTimeoutError(StepFailedError, TimeoutError):
    """A step ran longer than its `timeout`. Raised inside the step by the worker that runs it
    (or recorded for it when its worker had to be killed); never retried, since the next
    attempt would most likely hang the same way."""

    def __init__(self, message: str, step: str = "") -> None:  # picklable: step has a default
        super().__init__(message, step=step)


class WorkerStartError(StackwiseError):
    """A worker process died or hung before it could take a step (broken environment)."""


class PipelineRunFailedError(StackwiseError, RuntimeError):
    """A run failed. The message is the summary (steps, errors, the user's line, how to
    resume); `.errors` maps each failed step to its exception where this process saw it, and
    the first of them is also `__context__` (not printed: `__suppress_context__`)."""

    def __init__(
        self,
        message: str,
        *,
        run: object,
        failed_steps: Sequence[str],
        errors: Mapping[str, BaseException] | None = None,
    ):
        super().__init__(message)
        self.run = run
        self.failed_steps = list(failed_steps)
        self.errors = dict(errors or {})


class RunNotResumableError(StackwiseError):
    """The run cannot be resumed; nothing was created."""


class ArtifactStoreError(StackwiseError):
    """An artifact store cannot be used where it points (a folder or bucket it cannot write
    to, refused credentials): the store's configuration or its backend needs fixing."""


class ExperimentTrackerError(StackwiseError):
    """An experiment tracker cannot be reached, or is used where it has no active run."""


class ModelRegistryError(StackwiseError, RuntimeError):
    """A model registry could not be reached, or refused what was asked of it (registering a
    step's model, moving a version's stage). The message names the registry."""


class OrchestratorError(StackwiseError):
    """An orchestrator cannot reach what runs the steps (a scheduler, its workers)."""


class StepOperatorError(StackwiseError):
    """A step operator could not run a step, or its job ended without the step's outcome."""


class SecretDecryptionError(StackwiseError):
    """A secret's stored values cannot be read back: another encryption key, or values that
    were moved from another secret."""


class StepContextError(StackwiseError, RuntimeError):
    """The step context was asked for outside a running step."""


class AuthorizationException(StackwiseError):  # ZenML's name
    """The caller is not allowed to do this."""


class CredentialsNotValid(AuthorizationException):
    """The credentials (password, API key, token) were refused."""


class OAuthError(StackwiseError, ValueError):
    """An OAuth2 error answer: `error` is the code, `to_dict()` the answer's body."""

    def __init__(
        self,
        error: str,
        status_code: int = 400,
        error_description: str | None = None,
        error_uri: str | None = None,
    ) -> None:
        super().__init__(f"{error}: {error_description}" if error_description else error)
        self.args = (error, status_code, error_description, error_uri)
        self.error = error
        self.status_code = status_code
        self.error_description = error_description
        self.error_uri = error_uri

    def __str__(self) -> str:
        return f"{self.error}: {self.error_description}" if self.error_description else self.error

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": self.error,
            "error_description": self.error_description,
            "error_uri": self.error_uri,
        }


class InitializationException(StackwiseError):  # ZenML's name
    """A project or repository could not be initialized."""


class IntegrationError(StackwiseError):
    """An integration is missing a requirement, failed to activate, or its requirements
    could not be installed."""


class StackComponentInterfaceError(StackwiseError):
    """A stack component class is defined wrongly."""


class ArtifactStoreInterfaceError(StackwiseError):
    """An artifact store class is defined wrongly."""


class InputResolutionError(StackwiseError):
    """A step input cannot be resolved to an artifact version."""


class HydrationError(StackwiseError):
    """A response model could not load what it refers to."""


class MethodNotAllowedError(StackwiseError):
    """The server does not allow this method on this resource."""


class SourceValidationException(StackwiseError):  # ZenML's name
    """A source (module:attribute path) does not resolve to what was expected."""


class HookValidationException(StackwiseError):  # ZenML's name
    """A hook is not a callable of an accepted signature."""


class HookExecutionException(StackwiseError):  # ZenML's name
    """A hook raised."""


class RunStoppedException(StackwiseError):  # ZenML's name
    """The run was stopped."""


class RunInterruptedException(StackwiseError):  # ZenML's name
    """The run was interrupted."""


class RunMonitoringError(StackwiseError):
    """Watching a run failed; the message is the original exception's."""

    def __init__(self, original_exception: BaseException) -> None:
        super().__init__(str(original_exception))
        self.original_exception = original_exception


class MaxConcurrentTasksError(StackwiseError):
    """Too many tasks are running at once."""


class ApiTransactionResultTooLargeError(StackwiseError):
    """The server's answer to a request is too large to return."""


class WebhookInactiveError(StackwiseError):
    """The webhook is not active."""


class SubscriptionUpgradeRequiredError(StackwiseError):
    """The feature needs a subscription stackwise does not have (never raised)."""


class LogStoreError(StackwiseError):
    """Logs could not be written to or read from a log store."""


class LogStoreUnavailableError(LogStoreError):
    """The log store cannot be reached."""


class LogStoreRateLimitError(LogStoreError):
    """The log store refuses more requests for now; `retry_after` seconds, when known."""

    def __init__(self, message: str | None = None, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class GitNotFoundError(StackwiseError, ImportError):
    """Git (or GitPython) is not installed."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message)


class CustomFlavorImportError(StackwiseError, ImportError):
    """A custom flavor's module cannot be imported."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message)


class SecretsStoreNotConfiguredError(StackwiseError, NotImplementedError):
    """No secrets store is configured."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message)


class BackupSecretsStoreNotConfiguredError(StackwiseError, NotImplementedError):
    """No backup secrets store is configured."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message)


class ProblemCollector:
    """Collects every problem, then raises once with the count and one line each."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, problem: str) -> None:
        self.problems.append(problem)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self, error_class: type[StackwiseError], headline: str) -> None:
        if not self.problems:
            return
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = "\n".join(f"  {i}. {p}" for i, p in enumerate(self.problems, 1))
        raise error_class(f"{headline} ({count} {noun}):\n{lines}")


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A ' Did you mean ...?' suffix, or '' when nothing is close."""
    close = difflib.get_close_matches(name, list(candidates), n=1)
    return f" Did you mean '{close[0]}'?" if close else ""


def not_found(kind: str, name: str, candidates: Iterable[str]) -> EntityNotFoundError:
    candidates = sorted(set(candidates))
    known = ", ".join(f"'{c}'" for c in candidates[:10]) or "none"
    return EntityNotFoundError(
        f"No {kind} named '{name}'.{did_you_mean(name, candidates)} Known: {known}."
    )
