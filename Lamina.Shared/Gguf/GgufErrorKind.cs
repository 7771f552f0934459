namespace Lamina.Shared.Gguf;

/// <summary>Why a file could not be read as GGUF.</summary>
public enum GgufErrorKind
{
    /// <summary>The file does not start with the <c>GGUF</c> magic.</summary>
    NotGguf,

    /// <summary>A GGUF version other than 2 or 3, or a big-endian file.</summary>
    UnsupportedVersion,

    /// <summary>The file ends before a value the header needs (an incomplete download, usually).</summary>
    Truncated,

    /// <summary>A count or length claims more bytes than are left in the file.</summary>
    ExceedsFile,

    /// <summary>A count or length is larger than any real model uses (see <see cref="GgufLimits"/>).</summary>
    LimitExceeded,

    /// <summary>A value no valid file holds: unknown value type, too many dimensions, misaligned offset, duplicate key.</summary>
    Invalid,
}
