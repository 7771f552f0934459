using Lamina.Engine.Generation;

namespace Lamina.Engine.Tests;

public sealed class StopMatcherTests
{
    [Fact]
    public void TextThatMayStartAStopStringIsHeldBackUntilDecided()
    {
        var matcher = new StopMatcher(["END"]);

        Assert.Equal("hello ", matcher.Push("hello E"));
        Assert.Equal("", matcher.Push("N"));
        Assert.Equal("ENx", matcher.Push("x"));
        Assert.False(matcher.Stopped);
    }

    [Fact]
    public void StopStringSplitAcrossPiecesCutsTheAnswerBeforeIt()
    {
        var matcher = new StopMatcher(["END"]);

        var shown = matcher.Push("one E") + matcher.Push("ND two");

        Assert.Equal("one ", shown);
        Assert.True(matcher.Stopped);
        Assert.Equal("", matcher.Push("more"));
        Assert.Equal("", matcher.Flush());
    }

    [Fact]
    public void HeldBackTextIsReleasedWhenGenerationEndsOtherwise()
    {
        var matcher = new StopMatcher(["END"]);

        var shown = matcher.Push("one EN") + matcher.Flush();

        Assert.Equal("one EN", shown);
    }

    [Fact]
    public void EarliestOfSeveralStopStringsWins()
    {
        var matcher = new StopMatcher(["zzz", "b"]);

        Assert.Equal("a", matcher.Push("abzzz"));
    }
}
