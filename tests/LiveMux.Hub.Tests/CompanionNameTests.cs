namespace LiveMux.Hub.Tests;

public sealed class CompanionNameTests
{
    [Theory]
    [InlineData("cam~h264", "cam")]
    [InlineData("a~h264", "a")]
    [InlineData("cam~h264~h264", "cam~h264")]
    [InlineData("cam", null)]
    [InlineData("~h264", null)] // no stream has the empty name
    [InlineData("cam~H264", null)] // ordinal: the suffix is ours, spelled one way
    [InlineData("cam~h26", null)]
    [InlineData("", null)]
    public void A_companion_name_splits_into_its_parent(string name, string? parent)
    {
        Assert.Equal(parent is not null, CompanionName.TryGetParent(name, out var found));
        Assert.Equal(parent, found);
    }

    [Theory]
    [InlineData("cam")]
    [InlineData("front-door_2")]
    public void The_name_made_for_a_parent_splits_back_into_it(string parent)
    {
        Assert.Equal(parent + "~h264", CompanionName.For(parent));
        Assert.True(CompanionName.TryGetParent(CompanionName.For(parent), out var back));
        Assert.Equal(parent, back);
    }
}
